"""Write the add-in's icons, src/dnqp/excel/web/icon-{16,32,64,80}.png, from code (reproducible, no image library).

The icon: three rising bars (an index built from indicators) in white on a dark teal rounded square.
Drawn at each size from the same geometry with 4×4 supersampling, written as 8-bit RGBA PNGs with a
fixed zlib level, so that running this again gives the same bytes (tests/test_server_config.py checks).

    python tools/make_icons.py
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

SIZES = (16, 32, 64, 80)
WEB = Path(__file__).resolve().parent.parent / "src" / "dnqp" / "excel" / "web"
BACKGROUND = (0x0F, 0x5E, 0x63)
BARS = (0xFF, 0xFF, 0xFF)
#: (left, right, top) of each bar in units of the icon's side; bars stand on y = 0.80.
BAR_SHAPES = ((0.20, 0.36, 0.55), (0.42, 0.58, 0.38), (0.64, 0.80, 0.20))
RADIUS, BASE, SAMPLES = 0.18, 0.80, 4


def _coverage(x: float, y: float) -> tuple[bool, bool]:
    """(inside the rounded square, inside a bar) for a point in unit coordinates."""
    cx = min(max(x, RADIUS), 1 - RADIUS)
    cy = min(max(y, RADIUS), 1 - RADIUS)
    inside = (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS ** 2
    bar = any(left <= x <= right and top <= y <= BASE for left, right, top in BAR_SHAPES)
    return inside, inside and bar


def pixels(size: int) -> bytes:
    """The RGBA rows of the icon at ``size`` × ``size``, each prefixed with PNG filter byte 0."""
    out = bytearray()
    n = SAMPLES * SAMPLES
    for py in range(size):
        out.append(0)
        for px in range(size):
            inside = bar = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    i, b = _coverage((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size)
                    inside += i
                    bar += b
            if not inside:
                out += b"\0\0\0\0"
                continue
            t = bar / inside
            rgb = [round(bg + (fg - bg) * t) for bg, fg in zip(BACKGROUND, BARS)]
            out += bytes(rgb) + bytes([round(255 * inside / n)])
    return bytes(out)


def png(size: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels(size), 9))
            + chunk(b"IEND", b""))


def main(directory: Path = WEB) -> list[Path]:
    paths = []
    for size in SIZES:
        path = directory / f"icon-{size}.png"
        path.write_bytes(png(size))
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in main(Path(sys.argv[1]) if len(sys.argv) > 1 else WEB):
        print(p)
