#!/usr/bin/env bash
# Letters benchmark: Herald vs Typst vs WeasyPrint on the same realistic letters, one core each.
#   Benchmarks/letters/bench.sh [--letters 300] [--weasy-letters 30] [--rss-letters 1000] [--skip-herald] [--work DIR]
# Installs what is missing (typst and weasyprint from PyPI; poppler-utils; Debian's weasyprint as
# the fallback), builds `herald` in release mode, then runs bench_compare.py, which prints a
# markdown table (ms/letter, pages/s, peak RSS, output size, ratios). Exits non-zero, with the
# failing command's output, when any engine fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${PYTHON:-python3}

apt_install() {
  if command -v apt-get >/dev/null; then
    (apt-get install -y "$@" >/dev/null 2>&1) || (apt-get update >/dev/null 2>&1 && apt-get install -y "$@" >/dev/null)
  else
    echo "bench.sh: please install $* (no apt-get here)" >&2; return 1
  fi
}

command -v pdfinfo >/dev/null || apt_install poppler-utils
command -v taskset >/dev/null || apt_install util-linux
"$python" -c 'import typst' 2>/dev/null || "$python" -m pip install --quiet typst
"$python" -c 'import typst' || { echo "bench.sh: the typst Python package does not import" >&2; exit 1; }

# WeasyPrint: the PyPI package needs Pango; Debian's package (for /usr/bin/python3) is the fallback.
weasy_python=$python
if ! "$python" -c 'import weasyprint' 2>/dev/null; then
  "$python" -m pip install --quiet weasyprint || true
  if ! "$python" -c 'import weasyprint' 2>/dev/null; then
    apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 || true
  fi
  if ! "$python" -c 'import weasyprint' 2>/dev/null; then
    apt_install weasyprint
    weasy_python=/usr/bin/python3
    "$weasy_python" -c 'import weasyprint' || { echo "bench.sh: WeasyPrint does not import (pip or Debian)" >&2; exit 1; }
  fi
fi

args=("$@")
herald_args=()
if [[ " $* " != *" --skip-herald "* ]]; then
  echo "bench.sh: building herald (release)…" >&2
  if ! (cd "$root" && swift build -c release --product herald >&2); then
    echo "bench.sh: error: swift build -c release --product herald failed" >&2; exit 1
  fi
  bin=$(cd "$root" && swift build -c release --show-bin-path)/herald
  [[ -x "$bin" ]] || { echo "bench.sh: error: $bin was not built" >&2; exit 1; }
  if ! "$bin" render letter --help >/dev/null 2>&1; then
    echo "bench.sh: error: '$bin render letter' is not available (does this herald have the letter CLI?)" >&2; exit 1
  fi
  herald_args=(--herald "$bin")
fi

exec "$python" "$here/bench_compare.py" "${herald_args[@]}" --weasy-python "$weasy_python" "${args[@]}"
