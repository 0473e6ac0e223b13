#!/usr/bin/env python3
"""Letters benchmark: Herald vs Typst vs WeasyPrint on the same realistic letters.

The letters are Tests/LetterpressTests/Fixtures/letters/{welcome,dunning,bill}.html (Mustache HTML)
and typst/{welcome,dunning,bill}.typ (the same letters in Typst), merged with rows from
make_rows.py there. Every engine runs in one warm process pinned to one core (taskset -c 0):

  herald      `herald render letter --template T.html --data K.ndjson --out DIR --jobs 1`, one
              process per letter kind; time = the CLI's own render time (wall time with process
              start-up is reported too)
  typst       the `typst` Python package, one Compiler per kind, warmed with one letter per kind
  weasyprint  WeasyPrint in Python, warmed the same way; fewer letters (it is slow)

Pages are read from the PDFs with pdfinfo; peak RSS is the child's ru_maxrss (os.wait4).
Usage: bench_compare.py --herald BIN [--letters 300] [--weasy-letters 30] [--rss-letters 1000]
                        [--work DIR] [--skip-herald] [--weasy-python PY]
(bench.sh installs what is missing, builds Herald in release mode and calls this.)
"""
import argparse, json, os, re, shutil, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
LETTERS = os.path.join(ROOT, 'Tests', 'LetterpressTests', 'Fixtures', 'letters')
FONTS = os.path.join(ROOT, 'Sources', 'Letterpress', 'Resources', 'Fonts')
TYPST = os.path.join(HERE, 'typst')
KINDS = ('welcome', 'dunning', 'bill')


class BenchError(Exception):
    pass


# ---------------------------------------------------------------- workers (child processes)

def read_rows(path):
    with open(path, encoding='utf-8') as f:
        return [line for line in f.read().split('\n') if line.strip()]


def worker(engine, rows_dir, out_dir):
    """Renders every row of rows_dir/KIND.ndjson into out_dir/KIND/NNNN.pdf; prints JSON."""
    rows = {k: read_rows(os.path.join(rows_dir, k + '.ndjson')) for k in KINDS}
    if engine == 'typst':
        import typst
        compilers = {k: typst.Compiler(os.path.join(TYPST, k + '.typ'), root=ROOT, font_paths=[FONTS],
                                       ignore_system_fonts=True) for k in KINDS}

        def render(kind, row):
            return compilers[kind].compile(format='pdf', sys_inputs={'data': row})
    else:
        sys.dont_write_bytecode = True  # keep the repository free of __pycache__
        sys.path.insert(0, HERE)
        from mustache_lite import Template
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration
        fonts = FontConfiguration()
        faces = [('DejaVu Sans', 'DejaVuSans', ''), ('DejaVu Serif', 'DejaVuSerif', '')]
        rules = []
        for family, stem, _ in faces:
            for suffix, weight, style in (('', 'normal', 'normal'), ('-Bold', 'bold', 'normal'),
                                          ('-Oblique' if 'Sans' in stem else '-Italic', 'normal', 'italic'),
                                          ('-BoldOblique' if 'Sans' in stem else '-BoldItalic', 'bold', 'italic')):
                rules.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
                             f'src: url("file://{FONTS}/{stem}{suffix}.ttf"); }}')
        stylesheet = CSS(string='\n'.join(rules), font_config=fonts)
        templates = {}
        for k in KINDS:
            with open(os.path.join(LETTERS, k + '.html'), encoding='utf-8') as f:
                templates[k] = Template(f.read())

        def render(kind, row):
            html = templates[kind].render(json.loads(row))
            return HTML(string=html, base_url=LETTERS + '/').write_pdf(stylesheets=[stylesheet], font_config=fonts)

    for k in KINDS:  # warm-up: one letter of each kind, not timed, not counted
        if rows[k]:
            render(k, rows[k][0])
    letters = total_bytes = 0
    start = time.perf_counter()
    for k in KINDS:
        folder = os.path.join(out_dir, k)
        os.makedirs(folder, exist_ok=True)
        for i, row in enumerate(rows[k]):
            pdf = render(k, row)
            with open(os.path.join(folder, f'{i:04d}.pdf'), 'wb') as f:
                f.write(pdf)
            letters += 1
            total_bytes += len(pdf)
    seconds = time.perf_counter() - start
    print(json.dumps({'letters': letters, 'seconds': seconds, 'bytes': total_bytes}))


# ---------------------------------------------------------------- driver

def run_pinned(cmd, what):
    """Runs cmd on core 0; returns (stdout, wall seconds, peak RSS in MB)."""
    full = ['taskset', '-c', '0'] + cmd
    start = time.perf_counter()
    proc = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Read both pipes fully before waiting so a chatty child cannot block.
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise BenchError(f'{what} failed (exit {proc.returncode}): {" ".join(full)}\n'
                         f'{err.decode(errors="replace")[-3000:]}{out.decode(errors="replace")[-1000:]}')
    return out.decode(), wall, usage.ru_maxrss / 1024.0


def pdf_stats(folder):
    """(pdf count, pages, bytes) of every PDF under folder, pages from pdfinfo."""
    count = pages = size = 0
    for dirpath, _, files in os.walk(folder):
        for name in sorted(files):
            if not name.endswith('.pdf'):
                continue
            path = os.path.join(dirpath, name)
            info = subprocess.run(['pdfinfo', path], capture_output=True, text=True)
            m = re.search(r'^Pages:\s+(\d+)', info.stdout, re.M)
            if info.returncode != 0 or not m:
                raise BenchError(f'pdfinfo cannot read {path}: {info.stderr.strip()}')
            count += 1
            pages += int(m.group(1))
            size += os.path.getsize(path)
    return count, pages, size


def make_rows(folder, per_kind):
    os.makedirs(folder, exist_ok=True)
    for k, n in zip(KINDS, per_kind):
        with open(os.path.join(folder, k + '.ndjson'), 'w', encoding='utf-8') as f:
            subprocess.run([sys.executable, os.path.join(LETTERS, 'make_rows.py'), k, str(n)], stdout=f, check=True)


def split(total):
    base = [total // 3] * 3
    for i in range(total - sum(base)):
        base[i] += 1
    return base


def bench_herald(herald, rows_dir, out_dir):
    seconds = wall = rss = 0.0
    for k in KINDS:
        folder = os.path.join(out_dir, k)
        cmd = herald + ['render', 'letter', '--template', os.path.join(LETTERS, k + '.html'),
                        '--data', os.path.join(rows_dir, k + '.ndjson'), '--out', folder, '--jobs', '1']
        out, w, r = run_pinned(cmd, f'herald render letter ({k})')
        m = re.search(r'(\d+) letters, (\d+) pages, (\d+) bytes in ([0-9.]+) s', out)
        if not m:
            raise BenchError(f'herald render letter ({k}) printed no summary line: {out.strip()[-500:]}')
        seconds += float(m.group(4))
        wall += w
        rss = max(rss, r)
    return seconds, wall, rss


def bench_python(engine, python, rows_dir, out_dir):
    out, wall, rss = run_pinned([python, os.path.abspath(__file__), 'worker', engine, rows_dir, out_dir], engine)
    result = json.loads(out.strip().splitlines()[-1])
    return result['seconds'], wall, rss


def main(argv):
    if len(argv) == 5 and argv[1] == 'worker':
        worker(argv[2], argv[3], argv[4])
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--herald', help='the herald executable (release build)')
    ap.add_argument('--skip-herald', action='store_true', help='measure Typst and WeasyPrint only')
    ap.add_argument('--letters', type=int, default=300, help='letters for Herald and Typst (a third of each kind)')
    ap.add_argument('--weasy-letters', type=int, default=30, help='letters for WeasyPrint')
    ap.add_argument('--rss-letters', type=int, default=1000,
                    help='Herald only: this many dunning letters in one process, for the peak-RSS goal (0: skip)')
    ap.add_argument('--weasy-python', default=sys.executable, help='python with weasyprint importable')
    ap.add_argument('--work', default=os.path.join('/tmp', 'letters-bench'), help='scratch folder for rows and PDFs')
    args = ap.parse_args(argv[1:])
    if not args.skip_herald and not args.herald:
        ap.error('--herald BIN is required (or --skip-herald)')
    for tool in ('taskset', 'pdfinfo'):
        if not shutil.which(tool):
            raise BenchError(f'{tool} is not installed (util-linux / poppler-utils)')

    shutil.rmtree(args.work, ignore_errors=True)
    rows, small = os.path.join(args.work, 'rows'), os.path.join(args.work, 'rows-weasy')
    make_rows(rows, split(args.letters))
    make_rows(small, split(args.weasy_letters))

    results = []  # (engine, letters, pages, seconds, wall, rss MB, bytes)

    def record(engine, folder, timing):
        seconds, wall, rss = timing
        count, pages, size = pdf_stats(folder)
        results.append((engine, count, pages, seconds, wall, rss, size))
        print(f'{engine}: {count} letters, {pages} pages in {seconds:.2f} s', file=sys.stderr)

    if not args.skip_herald:
        herald = args.herald.split()
        record('Herald', os.path.join(args.work, 'herald'), bench_herald(herald, rows, os.path.join(args.work, 'herald')))
    record('Typst', os.path.join(args.work, 'typst'), bench_python('typst', sys.executable, rows, os.path.join(args.work, 'typst')))
    record('WeasyPrint', os.path.join(args.work, 'weasyprint'),
           bench_python('weasyprint', args.weasy_python, small, os.path.join(args.work, 'weasyprint')))

    rss_line = ''
    if not args.skip_herald and args.rss_letters > 0:
        big = os.path.join(args.work, 'rows-rss')
        make_rows(big, [0, args.rss_letters, 0])
        cmd = herald + ['render', 'letter', '--template', os.path.join(LETTERS, 'dunning.html'),
                        '--data', os.path.join(big, 'dunning.ndjson'), '--out', os.path.join(args.work, 'herald-rss'),
                        '--jobs', '1']
        _, wall, rss = run_pinned(cmd, f'herald render letter ({args.rss_letters} dunning letters)')
        verdict = 'meets' if rss < 100 else 'MISSES'
        rss_line = (f'\nHerald peak RSS for {args.rss_letters} dunning letters (2–3 pages each) in one process: '
                    f'**{rss:.1f} MB** ({verdict} the < 100 MB goal; {wall:.1f} s wall).\n')

    lines = ['| engine | letters | pages | time (s) | ms/letter | pages/s | wall incl. start-up (s) | peak RSS (MB) | output (MB) | KB/letter |',
             '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|']
    rate = {}
    for engine, count, pages, seconds, wall, rss, size in results:
        rate[engine] = pages / seconds if seconds > 0 else 0.0
        lines.append(f'| {engine} | {count} | {pages} | {seconds:.2f} | {1000 * seconds / max(count, 1):.2f} | '
                     f'{rate[engine]:.1f} | {wall:.2f} | {rss:.1f} | {size / 1e6:.2f} | {size / 1000 / max(count, 1):.1f} |')
    ratios = []
    if 'Herald' in rate:
        for other, goal in (('Typst', 2), ('WeasyPrint', 50)):
            if rate.get(other):
                r = rate['Herald'] / rate[other]
                ratios.append(f'Herald/{other} pages/s: **{r:.2f}x** (goal ≥ {goal}x: {"met" if r >= goal else "NOT met"})')
    else:
        if rate.get('WeasyPrint'):
            ratios.append(f'Typst/WeasyPrint pages/s: {rate["Typst"] / rate["WeasyPrint"]:.1f}x')
        ratios.append(f'Bar for Herald: ≥ {2 * rate["Typst"]:.0f} pages/s (2x Typst) and '
                      f'≥ {50 * rate.get("WeasyPrint", 0):.0f} pages/s (50x WeasyPrint)')
    report = ('\n'.join(lines) + '\n\n' + '\n'.join(f'- {r}' for r in ratios) + '\n' + rss_line +
              f'\nOne core (taskset -c 0), warm processes; letters = a third each welcome/dunning/bill; '
              f'time excludes start-up and warm-up (see the wall column). Work folder: {args.work}\n')
    print(report)
    with open(os.path.join(args.work, 'results.md'), 'w', encoding='utf-8') as f:
        f.write(report)
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv))
    except BenchError as e:
        print(f'bench_compare: error: {e}', file=sys.stderr)
        sys.exit(1)
