#!/usr/bin/python3
"""Golden fixtures for @nvlm-ts/tiler, produced by Python Pillow (the NVLM reference preprocessing).

Run once from the repository root with Debian's Pillow and NumPy:

    apt-get install -y python3-pil python3-numpy
    /usr/bin/python3 tooling/tiler-fixtures/make_fixtures.py

It writes packages/tiler/fixtures/ (manifest.json plus small binary files). The tests read those
files and never run Python. What is produced, and from which reference code:

* grids.json      grid choices of InternVL's `dynamic_preprocess` / `find_closest_aspect_ratio`
                  (the NVLM-D model card code, NVLM.md 3.2-3.3), with CPython's real set order.
* resample/*.bin  `Image.resize(size, Image.BICUBIC)` of RGB images (raw uint8, HWC).
* images/*        source images in every colour mode the reference meets (P, L, LA, RGBA, I;16,
                  16-bit RGB, CMYK, RGB) and container (PNG, JPEG, TIFF, WebP, GIF, BMP).
* convert/*.bin   `Image.open(f).convert('RGB')` of each source image (raw uint8, HWC).
* tiling/*.bin    the full reference tiling (convert('RGB'), dynamic_preprocess with thumbnail):
                  T tiles of S x S x 3 uint8, concatenated in tile order.
* manifest e2e    the same at the real tile size 448, as one SHA-256 per tile (full tiles would be
                  megabytes), for a JPEG file and for raw pattern pixels.
"""
import hashlib
import json
import os
import random
import struct
import zlib

import numpy as np
import PIL
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'packages', 'tiler', 'fixtures')


# ---------------------------------------------------------------------------------------------
# Reference tiling, as in the NVLM-D model card / InternVL (NVLM.md section 3).

def find_closest_aspect_ratio(aspect_ratio, target_ratios, width, height, image_size):
    best_ratio_diff = float('inf')
    best_ratio = (1, 1)
    area = width * height
    for ratio in target_ratios:
        target_aspect_ratio = ratio[0] / ratio[1]
        ratio_diff = abs(aspect_ratio - target_aspect_ratio)
        if ratio_diff < best_ratio_diff:
            best_ratio_diff = ratio_diff
            best_ratio = ratio
        elif ratio_diff == best_ratio_diff:
            if area > 0.5 * image_size * image_size * ratio[0] * ratio[1]:
                best_ratio = ratio
    return best_ratio


def target_ratios(min_num, max_num):
    ratios = set(
        (i, j)
        for n in range(min_num, max_num + 1)
        for i in range(1, n + 1)
        for j in range(1, n + 1)
        if min_num <= i * j <= max_num
    )
    return sorted(ratios, key=lambda x: x[0] * x[1])


def choose_grid(width, height, image_size, min_num, max_num):
    return find_closest_aspect_ratio(width / height, target_ratios(min_num, max_num), width, height, image_size)


def dynamic_preprocess(image, min_num=1, max_num=6, image_size=448, use_thumbnail=True):
    orig_width, orig_height = image.size
    cols, rows = choose_grid(orig_width, orig_height, image_size, min_num, max_num)
    target_width, target_height = image_size * cols, image_size * rows
    blocks = cols * rows
    resized = image.resize((target_width, target_height))  # default filter: BICUBIC
    tiles = []
    for i in range(blocks):
        box = ((i % cols) * image_size, (i // cols) * image_size,
               ((i % cols) + 1) * image_size, ((i // cols) + 1) * image_size)
        tiles.append(resized.crop(box))
    if use_thumbnail and len(tiles) != 1:
        tiles.append(image.resize((image_size, image_size)))
    return (cols, rows), tiles


# ---------------------------------------------------------------------------------------------
# Deterministic test content; the TypeScript tests rebuild the same pixels (src/testing/patterns.ts).

def pattern(width, height):
    """pattern(x, y, c) = (37x + 91y + 53c + 7((x*y) mod 29) + 5((x*x + 3y) mod 17)) mod 256."""
    x = np.arange(width, dtype=np.int64)[None, :, None]
    y = np.arange(height, dtype=np.int64)[:, None, None]
    c = np.arange(3, dtype=np.int64)[None, None, :]
    return ((37 * x + 91 * y + 53 * c + 7 * ((x * y) % 29) + 5 * ((x * x + 3 * y) % 17)) % 256).astype(np.uint8)


def noise(width, height, seed):
    """xorshift32 bytes (low 8 bits of each state), row-major, channels interleaved."""
    s = seed & 0xFFFFFFFF
    out = bytearray(width * height * 3)
    for i in range(len(out)):
        s ^= (s << 13) & 0xFFFFFFFF
        s ^= s >> 17
        s ^= (s << 5) & 0xFFFFFFFF
        out[i] = s & 255
    return np.frombuffer(bytes(out), dtype=np.uint8).reshape(height, width, 3)


def smooth(width, height):
    """A smooth photo-like RGB image (gradients and soft discs), so PNG and JPEG stay small."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 128 + 100 * np.sin(x / 37.0) * np.cos(y / 53.0)
    g = 255 * x / max(width - 1, 1)
    b = 255 * y / max(height - 1, 1)
    for cx, cy, rad in ((0.3, 0.4, 0.15), (0.7, 0.6, 0.2)):
        d = np.hypot(x - cx * width, y - cy * height) / (rad * min(width, height))
        b = np.where(d < 1, 255 * (1 - d), b)
    return np.clip(np.stack([r, g, b], axis=-1) + 0.5, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------------------------------------

def write(rel, data):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


def rgb_bytes(image):
    assert image.mode == 'RGB'
    return np.asarray(image, dtype=np.uint8).tobytes()


def png16_rgb(array16):
    """A 16-bit RGB PNG written by hand (Pillow cannot write one)."""
    height, width, _ = array16.shape
    raw = b''.join(b'\x00' + array16[row].astype('>u2').tobytes() for row in range(height))

    def chunk(kind, body):
        return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))

    ihdr = struct.pack('>IIBBBBB', width, height, 16, 2, 0, 0, 0)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')


def make_grids():
    rng = random.Random(20241022)
    cases = []
    for _ in range(1500):
        w = rng.choice([rng.randint(1, 64), rng.randint(1, 1200), rng.randint(1, 6000)])
        h = rng.choice([rng.randint(1, 64), rng.randint(1, 1200), rng.randint(1, 6000)])
        size = rng.choice([448, 448, 448, 224, 32])
        min_num = rng.choice([1, 1, 1, 2, 3])
        max_num = rng.choice([6, 6, 12, 1, 4, 9, 24, max(min_num, 2)])
        if max_num < min_num:
            max_num = min_num
        cols, rows = choose_grid(w, h, size, min_num, max_num)
        cases.append([w, h, size, min_num, max_num, cols, rows])
    # Exact ties from NVLM.md 3.6 and around the 634x634 area threshold.
    for w, h in ((633, 633), (634, 634), (448, 448), (300, 200), (896, 448), (1, 1), (2, 1), (1, 2)):
        for max_num in (6, 12):
            cols, rows = choose_grid(w, h, 448, 1, max_num)
            cases.append([w, h, 448, 1, max_num, cols, rows])
    order = {str(m): [list(r) for r in target_ratios(1, m)] for m in (6, 12)}
    return {'columns': ['width', 'height', 'tileSize', 'minTiles', 'maxTiles', 'cols', 'rows'],
            'cases': cases, 'pythonSetOrder': order}


RESAMPLE_CASES = [
    # name, source kind, in (w, h), out (w, h)
    ('up-37x23-100x61', 'pattern', (37, 23), (100, 61)),
    ('down-97x61-40x17', 'pattern', (97, 61), (40, 17)),
    ('down-noise-61x47-23x19', 'noise', (61, 47), (23, 19)),
    ('up-noise-13x11-50x37', 'noise', (13, 11), (50, 37)),
    ('mixed-40x90-96x32', 'pattern', (40, 90), (96, 32)),
    ('big-factor-301x199-32x32', 'pattern', (301, 199), (32, 32)),
    ('col-1x50-7x13', 'pattern', (1, 50), (7, 13)),
    ('col-1x50-1x20', 'pattern', (1, 50), (1, 20)),
    ('row-50x1-13x7', 'pattern', (50, 1), (13, 7)),
    ('row-50x1-20x1', 'noise', (50, 1), (20, 1)),
    ('one-1x1-5x4', 'noise', (1, 1), (5, 4)),
    ('to-one-45x33-1x1', 'noise', (45, 33), (1, 1)),
    ('h-only-61x47-20x47', 'noise', (61, 47), (20, 47)),
    ('v-only-61x47-61x20', 'noise', (61, 47), (61, 20)),
    ('same-20x20-20x20', 'noise', (20, 20), (20, 20)),
    ('odd-17x9-33x31', 'noise', (17, 9), (33, 31)),
    ('near-1-100x100-99x101', 'noise', (100, 100), (99, 101)),
]


def make_source(kind, w, h):
    return pattern(w, h) if kind == 'pattern' else noise(w, h, 0x9E3779B9 ^ (w * 131 + h))


def make_resample():
    out = []
    for name, kind, (iw, ih), (ow, oh) in RESAMPLE_CASES:
        src = Image.fromarray(make_source(kind, iw, ih), 'RGB')
        res = src.resize((ow, oh), Image.BICUBIC)
        write(f'resample/{name}.bin', rgb_bytes(res))
        out.append({'name': name, 'source': kind, 'in': [iw, ih], 'out': [ow, oh], 'file': f'resample/{name}.bin'})
    return out


def make_images():
    """Source images in each colour mode; returns [(file, mode-as-opened)]."""
    made = []
    alpha = lambda w, h: ((np.arange(w)[None, :] * 7 + np.arange(h)[:, None] * 13) % 256).astype(np.uint8)

    def save(img, name, **kw):
        img.save(os.path.join(OUT, 'images', name), **kw)
        made.append(name)

    os.makedirs(os.path.join(OUT, 'images'), exist_ok=True)
    rgb = Image.fromarray(pattern(90, 50), 'RGB')
    save(rgb, 'rgb-90x50.png')
    save(rgb.convert('P', palette=Image.ADAPTIVE, colors=61), 'p-90x50.png')
    p_t = Image.fromarray(pattern(41, 77), 'RGB').convert('P', palette=Image.ADAPTIVE, colors=32)
    save(p_t, 'p-transparent-41x77.png', transparency=3)
    save(Image.fromarray(pattern(50, 90), 'RGB').convert('L'), 'l-50x90.png')
    la = Image.fromarray(pattern(70, 70), 'RGB').convert('LA')
    la.putalpha(Image.fromarray(alpha(70, 70), 'L'))
    save(la, 'la-70x70.png')
    rgba = Image.fromarray(pattern(120, 40), 'RGB').convert('RGBA')
    rgba.putalpha(Image.fromarray(alpha(120, 40), 'L'))
    save(rgba, 'rgba-120x40.png')
    yy, xx = np.mgrid[0:45, 0:60]
    # Mostly small values, so Pillow's clip to 255 in I;16 -> RGB is visible both below and at the cap.
    save(Image.fromarray(((xx * 5 + yy * 3 + (xx * yy) % 7) % 400).astype(np.uint16)), 'i16-60x45.png')
    rgb16 = (pattern(33, 21).astype(np.uint16) * 257 + np.arange(33)[None, :, None] * 3).astype(np.uint16)
    write('images/rgb16-33x21.png', png16_rgb(rgb16))
    made.append('rgb16-33x21.png')
    cmyk = Image.fromarray(pattern(64, 48), 'RGB').convert('CMYK')
    save(cmyk, 'cmyk-64x48.tif')
    save(cmyk, 'cmyk-64x48.jpg', quality=92)
    save(Image.fromarray(smooth(96, 64), 'RGB'), 'rgb-96x64.jpg', quality=90)
    save(Image.fromarray(smooth(72, 40), 'RGB'), 'rgb-72x40-q75-420.jpg', quality=75, subsampling=2)
    save(Image.fromarray(pattern(80, 30), 'RGB'), 'rgb-80x30.tif')
    save(Image.fromarray(pattern(44, 66), 'RGB'), 'rgb-44x66-lossless.webp', lossless=True)
    save(Image.fromarray(smooth(70, 50), 'RGB'), 'rgb-70x50-lossy.webp', quality=80)
    save(Image.fromarray(pattern(44, 66), 'RGB').convert('P', palette=Image.ADAPTIVE, colors=64), 'p-44x66.gif')
    # Transparent index: Pillow's P -> RGB gives its palette colour; libvips gives black + alpha 0.
    save(Image.fromarray(pattern(33, 27), 'RGB').convert('P', palette=Image.ADAPTIVE, colors=24),
         'p-transparent-33x27.gif', transparency=5)
    save(Image.fromarray(pattern(37, 21), 'RGB'), 'rgb-37x21.bmp')
    save(Image.fromarray(pattern(30, 17), 'RGB').convert('P', palette=Image.ADAPTIVE, colors=40), 'p-30x17.bmp')
    save(Image.fromarray(pattern(29, 13), 'RGB').convert('1'), 'bw-29x13.bmp')
    bmp_rgba = Image.fromarray(pattern(19, 23), 'RGB').convert('RGBA')
    bmp_rgba.putalpha(Image.fromarray(alpha(19, 23), 'L'))
    save(bmp_rgba, 'rgba-19x23.bmp')
    save(Image.fromarray(pattern(5, 3), 'RGB'), 'rgb-5x3.png')
    save(Image.fromarray(pattern(1, 40), 'RGB'), 'rgb-1x40.png')
    return made


TILING = [
    # image, tile size, min, max, thumbnail
    ('rgb-90x50.png', 32, 1, 6, True),
    ('p-90x50.png', 32, 1, 6, True),
    ('p-transparent-41x77.png', 24, 1, 6, True),
    ('l-50x90.png', 28, 1, 6, True),
    ('la-70x70.png', 32, 1, 6, True),
    ('rgba-120x40.png', 32, 1, 6, True),
    ('i16-60x45.png', 24, 1, 6, True),
    ('rgb16-33x21.png', 16, 1, 6, True),
    ('cmyk-64x48.tif', 20, 1, 6, True),
    ('cmyk-64x48.jpg', 20, 1, 6, True),
    ('rgb-96x64.jpg', 24, 1, 6, True),
    ('rgb-72x40-q75-420.jpg', 24, 1, 6, True),
    ('rgb-80x30.tif', 24, 1, 6, True),
    ('rgb-44x66-lossless.webp', 20, 1, 6, True),
    ('rgb-70x50-lossy.webp', 16, 1, 6, True),
    ('p-44x66.gif', 20, 1, 6, True),
    ('p-transparent-33x27.gif', 16, 1, 6, True),
    ('rgb-37x21.bmp', 16, 1, 6, True),
    ('p-30x17.bmp', 16, 1, 6, True),
    ('bw-29x13.bmp', 16, 1, 6, True),
    ('rgba-19x23.bmp', 16, 1, 6, True),
    ('rgb-5x3.png', 16, 1, 6, True),
    ('rgb-1x40.png', 16, 1, 6, True),
    ('rgb-90x50.png', 20, 1, 12, True),
    ('rgb-90x50.png', 32, 1, 6, False),
    ('rgb-90x50.png', 32, 3, 6, True),
    ('rgb-90x50.png', 48, 1, 6, True),
]


def make_convert(images):
    out = []
    for name in images:
        im = Image.open(os.path.join(OUT, 'images', name))
        mode = im.mode
        rgb = im.convert('RGB')
        base = os.path.splitext(name)[0] + '-' + os.path.splitext(name)[1][1:]
        write(f'convert/{base}.bin', rgb_bytes(rgb))
        out.append({'image': f'images/{name}', 'pillowMode': mode, 'size': list(im.size), 'file': f'convert/{base}.bin'})
    return out


def make_tiling():
    out = []
    for name, size, min_num, max_num, thumb in TILING:
        im = Image.open(os.path.join(OUT, 'images', name)).convert('RGB')
        grid, tiles = dynamic_preprocess(im, min_num, max_num, size, thumb)
        base = f'{os.path.splitext(name)[0]}-{os.path.splitext(name)[1][1:]}-s{size}-n{min_num}-{max_num}' + ('' if thumb else '-nothumb')
        write(f'tiling/{base}.bin', b''.join(rgb_bytes(t) for t in tiles))
        out.append({'image': f'images/{name}', 'tileSize': size, 'minTiles': min_num, 'maxTiles': max_num,
                    'thumbnail': thumb, 'grid': list(grid), 'tiles': len(tiles), 'file': f'tiling/{base}.bin'})
    return out


def make_e2e():
    out = []
    photo = Image.fromarray(smooth(800, 600), 'RGB')
    photo.save(os.path.join(OUT, 'images', 'photo-800x600.jpg'), quality=85)
    wide = Image.fromarray(pattern(1000, 560), 'RGB')  # not stored: the tests rebuild it as raw pixels
    for name, im in (('images/photo-800x600.jpg', None), ('pattern:1000x560', wide)):
        if im is None:
            im = Image.open(os.path.join(OUT, name)).convert('RGB')
        grid, tiles = dynamic_preprocess(im, 1, 6, 448, True)
        out.append({'image': name, 'tileSize': 448, 'minTiles': 1, 'maxTiles': 6, 'thumbnail': True,
                    'grid': list(grid), 'tiles': len(tiles),
                    'sha256': [hashlib.sha256(rgb_bytes(t)).hexdigest() for t in tiles]})
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'grids.json'), 'w') as f:
        json.dump(make_grids(), f, separators=(',', ':'))
    images = make_images()
    manifest = {
        'generator': 'tooling/tiler-fixtures/make_fixtures.py',
        'pillow': PIL.__version__,
        'numpy': np.__version__,
        'resample': make_resample(),
        'convert': make_convert(images),
        'tiling': make_tiling(),
        'e2e': make_e2e(),
    }
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
