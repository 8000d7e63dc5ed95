"""Writes the hostile and odd inputs that tests/hostile_inputs.rs feeds to the resizer.

Deterministic (no randomness, fixed encoder settings), so the committed files only change when this script does.
usage: .venv/bin/python lambdas/avatar-resize/tests/make_hostile_corpus.py [OUT_DIR]   (needs Pillow)
"""

import io
import struct
import sys
import zlib
from pathlib import Path

from PIL import Image

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "hostile")

# The upright picture every orientation file must display: four coloured quadrants.
QUADRANTS = {"tl": (255, 0, 0), "tr": (0, 255, 0), "bl": (0, 0, 255), "br": (255, 255, 0)}
# What to do to the upright picture so that a viewer applying EXIF orientation N shows it upright again
# (the inverse of Pillow's exif_transpose for N).
STORE_AS = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def upright(width=96, height=64):
    image = Image.new("RGB", (width, height))
    hw, hh = width // 2, height // 2
    for name, colour in QUADRANTS.items():
        x = 0 if name[1] == "l" else hw
        y = 0 if name[0] == "t" else hh
        image.paste(colour, (x, y, x + hw, y + hh))
    return image


def jpeg(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, **options)
    return buffer.getvalue()


def png(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **options)
    return buffer.getvalue()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_raw(width, height, bit_depth, colour_type, idat):
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def bomb_png(side):
    """A side×side 1-bit grey PNG of zeros: ~110 KB on disk, side² pixels once decoded."""
    row = b"\x00" + bytes((side + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return png_raw(side, side, 1, 0, idat)


def jpeg_claiming(width, height):
    """A real small JPEG whose SOF header is rewritten to claim width×height."""
    data = bytearray(jpeg(Image.new("RGB", (16, 16), (90, 90, 90))))
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    files = {}
    photo = upright(640, 480)
    files["empty.jpg"] = b""
    files["truncated.jpg"] = jpeg(photo)[: len(jpeg(photo)) // 2]
    files["truncated.png"] = png(photo)[: len(png(photo)) // 2]
    files["text.jpg"] = b"This is not an image, whatever its name says.\n"
    files["page.jpg"] = b"<!doctype html><html><body><script>alert(1)</script></body></html>\n"
    files["vector.svg"] = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512">'
        b'<rect width="512" height="512" fill="red"/></svg>\n'
    )
    files["header_100000x100000.png"] = png_raw(100_000, 100_000, 8, 2, zlib.compress(b"\x00" * 301))
    files["bomb_30000x30000.png"] = bomb_png(30_000)
    files["header_65000x65000.jpg"] = jpeg_claiming(65_000, 65_000)
    files["cmyk.jpg"] = jpeg(Image.new("CMYK", (64, 64), (0, 255, 255, 0)))  # pure red ink: C=0 M=100% Y=100%
    files["grayscale.jpg"] = jpeg(Image.new("L", (64, 48), 128))
    files["progressive.jpg"] = jpeg(photo, progressive=True)
    files["gray16.png"] = png(Image.new("I;16", (64, 48), 40_000))
    rgb16_row = b"\x00" + struct.pack(">HHH", 65_535, 32_768, 0) * 64  # orange, 16 bits a channel
    files["rgb16.png"] = png_raw(64, 48, 16, 2, zlib.compress(rgb16_row * 48))
    palette = Image.new("P", (64, 48), 1)
    palette.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    files["palette_trns.png"] = png(palette, transparency=1)  # fully transparent: white after flattening
    frames = [Image.new("RGB", (64, 48), (255, 0, 0)), Image.new("RGB", (64, 48), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    files["animated.gif"] = buffer.getvalue()
    rgba = Image.new("RGBA", (64, 48), (0, 255, 0, 255))
    rgba.paste((0, 0, 0, 0), (0, 0, 32, 48))
    buffer = io.BytesIO()
    rgba.save(buffer, "WEBP", lossless=True)
    files["lossless_alpha.webp"] = buffer.getvalue()
    for orientation, transpose in STORE_AS.items():
        stored = upright() if transpose is None else upright().transpose(transpose)
        exif = Image.Exif()
        exif[0x0112] = orientation
        files[f"orientation_{orientation}.jpg"] = jpeg(stored, exif=exif.tobytes())
    for name, data in files.items():
        (OUT / name).write_bytes(data)
    print(f"wrote {len(files)} files to {OUT}")


if __name__ == "__main__":
    main()
