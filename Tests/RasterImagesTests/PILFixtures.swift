import Foundation
import HeraldTestSupport

/// Test images written at test time by python3 + Pillow (`pip install pillow`): PNGs of every
/// colour type, bit depth, interlacing and tRNS variant (written by a small PNG encoder in the
/// script and cross-checked against Pillow's decoder), Pillow-encoded PNGs and JPEGs, and a
/// decompression bomb. Each PNG `name.png` has `name.rgba`, the expected RGBA bytes.
enum PILFixtures {
    /// Why the fixtures could not be made.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// One line of the manifest the script writes.
    struct Entry: Sendable {
        let kind: String
        let name: String
        let width: Int
        let height: Int
        let extra: [Int]
    }

    /// Generated once per test process.
    private static let cache = Cache()

    /// One generation shared by every caller (the first caller starts it, the rest await it).
    private actor Cache {
        var generation: Task<Result<String, Failure>, Never>?
        func get() async -> Result<String, Failure> {
            let task = generation ?? Task { await PILFixtures.generate() }
            generation = task
            return await task.value
        }
    }

    /// The fixture folder's path, or a failure telling which tool is missing.
    static func directory() async throws -> String {
        try await cache.get().get()
    }

    /// The manifest entries of one kind (`png`, `jpeg`, `bomb`).
    static func entries(_ kind: String) async throws -> [Entry] {
        let dir = try await directory()
        let text = String(decoding: try read(dir + "/manifest.txt"), as: UTF8.self)
        return text.split(separator: "\n").compactMap { line -> Entry? in
            let f = line.split(separator: " ").map(String.init)
            guard f.count >= 4, f[0] == kind, let w = Int(f[2]), let h = Int(f[3]) else { return nil }
            return Entry(kind: f[0], name: f[1], width: w, height: h, extra: f.dropFirst(4).compactMap { Int($0) })
        }
    }

    /// The bytes of a fixture file.
    static func bytes(_ file: String) async throws -> [UInt8] {
        try read(await directory() + "/" + file)
    }

    private static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "missing fixture \(path)")
        }
        return [UInt8](data)
    }

    private static func generate() async -> Result<String, Failure> {
        let fm = FileManager.default
        let dir = NSTemporaryDirectory() + "raster-fixtures-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try? fm.removeItem(atPath: dir)
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let scriptPath = dir + "/gen_fixtures.py"
            guard fm.createFile(atPath: scriptPath, contents: Data(script.utf8)) else {
                return .failure(Failure(description: "cannot write \(scriptPath)"))
            }
            let result = try await TestProcess.run("python3", [scriptPath, dir])
            let stderr = result.stderr
            guard result.status == 0 else {
                let message = String(decoding: stderr, as: UTF8.self)
                return .failure(Failure(description:
                    "the PNG/JPEG fixture script failed (needs python3 with Pillow: pip install pillow): \(message)"))
            }
            return .success(dir)
        } catch {
            return .failure(Failure(description: "cannot run python3 to make test images (needs python3 with Pillow): \(error)"))
        }
    }

    /// The generator (python3 + Pillow).
    static let script = #"""
# Writes PNG/JPEG fixtures plus reference RGBA for the RasterImages tests.
# usage: python3 gen.py OUTDIR ; prints nothing on success, exits 1 with a message otherwise.
import sys, os, zlib, struct, random
from PIL import Image

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = random.Random(1234)
manifest = []

def chunk(t, data):
    return struct.pack('>I', len(data)) + t + data + struct.pack('>I', zlib.crc32(t + data) & 0xffffffff)

CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]

def pack_row(samples, depth):
    if depth == 8:
        return bytes(samples)
    if depth == 16:
        return b''.join(struct.pack('>H', s) for s in samples)
    bits = ''.join(format(s, '0%db' % depth) for s in samples)
    bits += '0' * (-len(bits) % 8)
    return bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))

def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc: return a
    if pb <= pc: return b
    return c

def filter_rows(rows, bpp):
    outb = bytearray()
    prior = bytes(len(rows[0])) if rows else b''
    for y, raw in enumerate(rows):
        f = y % 5
        line = bytearray([f])
        for i, x in enumerate(raw):
            a = raw[i - bpp] if i >= bpp else 0
            b = prior[i]
            c = prior[i - bpp] if i >= bpp else 0
            pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][f]
            line.append((x - pred) & 0xff)
        outb += line
        prior = raw
    return bytes(outb)

def write_png(path, w, h, ct, depth, pixels, interlace=False, plte=None, trns=None, split=None):
    """pixels[y][x] = tuple of raw samples."""
    ch = CHANNELS[ct]
    bpp = max(1, ch * depth // 8)
    data = b''
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for (x0, y0, dx, dy) in passes:
        xs = list(range(x0, w, dx)); ys = list(range(y0, h, dy))
        if not xs or not ys: continue
        rows = [pack_row([s for x in xs for s in pixels[y][x]], depth) for y in ys]
        data += filter_rows(rows, bpp)
    comp = zlib.compress(data, 9)
    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, depth, ct, 0, 0, 1 if interlace else 0))
    png += chunk(b'tEXt', b'Comment\0fixture')
    if plte is not None: png += chunk(b'PLTE', bytes(c for rgb in plte for c in rgb))
    if trns is not None: png += chunk(b'tRNS', trns)
    n = split or len(comp)
    for i in range(0, len(comp), n):
        png += chunk(b'IDAT', comp[i:i + n])
    png += chunk(b'IEND', b'')
    with open(path, 'wb') as f: f.write(png)

def expected_rgba(w, h, ct, depth, pixels, plte, trns):
    outb = bytearray()
    maxv = (1 << depth) - 1
    for y in range(h):
        for x in range(w):
            s = pixels[y][x]
            if ct == 0:
                g = s[0] * 255 // maxv if depth < 16 else s[0] >> 8
                a = 0 if trns is not None and s[0] == struct.unpack('>H', trns)[0] else 255
                outb += bytes([g, g, g, a])
            elif ct == 2:
                r, g, b = (v >> 8 if depth == 16 else v for v in s)
                a = 0 if trns is not None and tuple(s) == struct.unpack('>HHH', trns) else 255
                outb += bytes([r, g, b, a])
            elif ct == 3:
                r, g, b = plte[s[0]]
                a = trns[s[0]] if trns is not None and s[0] < len(trns) else 255
                outb += bytes([r, g, b, a])
            elif ct == 4:
                g, a = (v >> 8 if depth == 16 else v for v in s)
                outb += bytes([g, g, g, a])
            else:
                r, g, b, a = (v >> 8 if depth == 16 else v for v in s)
                outb += bytes([r, g, b, a])
    return bytes(outb)

def make_case(name, w, h, ct, depth, interlace=False, use_trns=False, split=None, gray_palette=False, opaque=False):
    maxv = (1 << depth) - 1
    ch = CHANNELS[ct]
    plte = trns = None
    if ct == 3:
        n = min(maxv + 1, 200)
        if gray_palette:
            plte = [(v * 255 // max(1, n - 1),) * 3 for v in range(n)]
        else:
            plte = [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(n)]
        pixels = [[(rng.randrange(n),) for x in range(w)] for y in range(h)]
        if use_trns:
            trns = bytes(rng.choice([0, 128, 255, 40]) for _ in range(max(1, n // 2)))
    else:
        def sample(c):
            if opaque and ch in (2, 4) and c == ch - 1: return maxv
            return rng.randrange(maxv + 1)
        pixels = [[tuple(sample(c) for c in range(ch)) for x in range(w)] for y in range(h)]
        if use_trns:
            key = pixels[h // 2][w // 2]
            # make the key colour appear in a few more places
            for _ in range(3):
                pixels[rng.randrange(h)][rng.randrange(w)] = key
            trns = struct.pack('>H', key[0]) if ct == 0 else struct.pack('>HHH', *key)
    path = os.path.join(out, name + '.png')
    write_png(path, w, h, ct, depth, pixels, interlace, plte, trns, split)
    ref = expected_rgba(w, h, ct, depth, pixels, plte, trns)
    im = Image.open(path)
    if im.mode not in ('I', 'I;16', 'I;16B'):
        pil = im.convert('RGBA').tobytes()
        if trns is not None and ct in (0, 2) and depth != 8:
            # PIL compares a sub-byte or 16-bit tRNS key with its 8-bit samples, so it never matches;
            # libpng (and the spec) compare raw samples. Check the colour channels only.
            pil = bytes(v for i, v in enumerate(pil) if i % 4 != 3)
            ref_cmp = bytes(v for i, v in enumerate(ref) if i % 4 != 3)
        else:
            ref_cmp = ref
        if pil != ref_cmp:
            sys.exit('PIL disagrees with the reference for %s (mode %s)' % (name, im.mode))
    with open(os.path.join(out, name + '.rgba'), 'wb') as f: f.write(ref)
    manifest.append('png %s %d %d' % (name, w, h))

combos = [(0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8), (4, 8), (4, 16), (6, 8), (6, 16)]
for ct, depth in combos:
    for interlace in (False, True):
        base = 'ct%d_d%d_%s' % (ct, depth, 'i' if interlace else 'n')
        make_case(base, 13, 11, ct, depth, interlace)
        if ct in (0, 2, 3):
            make_case(base + '_trns', 13, 11, ct, depth, interlace, use_trns=True)
# small sizes where some Adam7 passes are empty; many IDAT chunks
for (w, h) in [(1, 1), (2, 1), (1, 5), (3, 2), (9, 9)]:
    make_case('tiny_%dx%d' % (w, h), w, h, 6, 8, interlace=True, split=3)
make_case('split_rgb', 40, 30, 2, 8, split=7)
make_case('gray_palette', 17, 5, 3, 8, gray_palette=True)
make_case('opaque_rgba', 8, 8, 6, 8, opaque=True)
make_case('opaque_ga', 8, 8, 4, 16, opaque=True)

# PIL's own encoder: a letterhead-like RGBA logo and a palette image
logo = Image.new('RGBA', (600, 200), (0, 0, 0, 0))
for y in range(200):
    for x in range(600):
        if (x - 100) ** 2 + (y - 100) ** 2 < 80 ** 2:
            logo.putpixel((x, y), (20, 60 + x // 10, 140, 255 - y // 2))
        elif 200 < x < 580 and 70 < y < 130 and (x // 20) % 2 == 0:
            logo.putpixel((x, y), (200, 30, 30, 255))
logo.save(os.path.join(out, 'pil_logo.png'), optimize=True)
with open(os.path.join(out, 'pil_logo.rgba'), 'wb') as f: f.write(logo.convert('RGBA').tobytes())
manifest.append('png pil_logo 600 200')
pal = logo.convert('RGB').quantize(16)
pal.save(os.path.join(out, 'pil_palette.png'))
with open(os.path.join(out, 'pil_palette.rgba'), 'wb') as f: f.write(Image.open(os.path.join(out, 'pil_palette.png')).convert('RGBA').tobytes())
manifest.append('png pil_palette 600 200')

# decompression bomb: a valid 16x16 gray header whose zlib stream inflates to 64 MB
bomb = zlib.compress(b'\0' * (64 << 20), 9)
with open(os.path.join(out, 'bomb.png'), 'wb') as f:
    f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 16, 16, 8, 0, 0, 0, 0)) + chunk(b'IDAT', bomb) + chunk(b'IEND', b''))
manifest.append('bomb bomb 16 16')

# JPEGs
photo = logo.convert('RGB')
photo.save(os.path.join(out, 'rgb.jpg'), quality=85)
photo.convert('L').save(os.path.join(out, 'gray.jpg'))
photo.convert('CMYK').save(os.path.join(out, 'cmyk.jpg'))
photo.save(os.path.join(out, 'progressive.jpg'), progressive=True)
for name, comps in [('rgb', 3), ('gray', 1), ('cmyk', 4), ('progressive', 3)]:
    manifest.append('jpeg %s 600 200 %d' % (name, comps))

with open(os.path.join(out, 'manifest.txt'), 'w') as f: f.write('\n'.join(manifest) + '\n')
"""#
}

