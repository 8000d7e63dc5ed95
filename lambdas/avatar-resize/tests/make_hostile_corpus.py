"""Writes the hostile and odd inputs that tests/hostile_inputs.rs feeds to the resizer.

Deterministic (no randomness, fixed encoder settings), so the committed files only change when this script does.
usage: .venv/bin/python lambdas/avatar-resize/tests/make_hostile_corpus.py [OUT_DIR]   (needs Pillow)
"""

import io
import json
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms

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


def segments(data):
    """Splits a JPEG into (marker, bytes) pieces: each marker segment with its length, a scan's SOS segment with its
    entropy-coded data (up to the next marker that is neither a stuffed 0xFF00 nor a restart marker)."""
    pieces, i = [(0xD8, data[:2])], 2
    while i < len(data):
        assert data[i] == 0xFF, f"expected a marker at {i}"
        marker = data[i + 1]
        if marker == 0xD9:
            pieces.append((marker, data[i:]))
            break
        end = i + 2 + struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker == 0xDA:
            while not (data[end] == 0xFF and data[end + 1] not in (0x00, *range(0xD0, 0xD8))):
                end += 1
        pieces.append((marker, data[i:end]))
        i = end
    return pieces


def joined(pieces):
    return b"".join(piece for _, piece in pieces)


def headers_only(data):
    """Every segment up to and including the first scan's header, without a byte of its data."""
    pieces = segments(data)
    first_sos = next(i for i, (marker, _) in enumerate(pieces) if marker == 0xDA)
    sos = pieces[first_sos][1]
    return joined(pieces[:first_sos]) + sos[: 2 + struct.unpack(">H", sos[2:4])[0]]


def damaged_jpegs(photo):
    """JPEGs that libjpeg decodes with a warning, as browsers show them: each kind of damage phones, cameras and
    MJPEG streams produce."""
    progressive = jpeg(photo, progressive=True)
    baseline = jpeg(photo)
    pieces = segments(baseline)
    first_sos = next(i for i, (marker, _) in enumerate(pieces) if marker == 0xDA)
    # Bytes that are not a marker between two segments (libjpeg: "N extraneous bytes before marker 0xda").
    extraneous = joined(pieces[:first_sos]) + b"\x00\x13\x37" + joined(pieces[first_sos:])
    # An ICC profile whose first of two chunks is missing ("bad ICC marker"): the image itself is intact.
    icc_chunk = b"ICC_PROFILE\x00" + bytes([2, 2]) + bytes(64)
    app2 = b"\xff\xe2" + struct.pack(">H", len(icc_chunk) + 2) + icc_chunk
    bad_icc = joined(pieces[:1]) + app2 + joined(pieces[1:])
    # A progressive file whose first (DC) scan is repeated: its successive-approximation bits no longer follow
    # ("Inconsistent progression sequence").
    pieces = segments(progressive)
    first_sos = next(i for i, (marker, _) in enumerate(pieces) if marker == 0xDA)
    inconsistent = joined(pieces[: first_sos + 1]) + joined(pieces[first_sos:])
    return {
        # Cut in a later scan: every pixel is there, the last refinements are not ("Premature end of JPEG file").
        "damaged_truncated_progressive.jpg": progressive[: len(progressive) * 3 // 4],
        "damaged_extraneous_bytes.jpg": extraneous,
        "damaged_bad_icc.jpg": bad_icc,
        "damaged_inconsistent_progression.jpg": inconsistent,
        # Headers and no scan data at all: nothing to show, still refused.
        "nothing_decodable.jpg": headers_only(baseline),
    }


def s15(value):
    return struct.pack(">i", round(value * 65536))


def icc_tag_table(tags):
    """Header-less tag table and data: [(signature, bytes)] → (table, data, first data offset)."""
    offset = 128 + 4 + 12 * len(tags)
    table, data = struct.pack(">I", len(tags)), b""
    for signature, payload in tags:
        payload += b"\x00" * (-len(payload) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(payload))
        data += payload
    return table + data


def icc_profile(device_class, colour_space, pcs, tags):
    """An ICC v4.3 profile with `tags` (the header's other fields as a profile maker would set them)."""
    body = icc_tag_table(tags)
    header = struct.pack(">I", 128 + len(body)) + b"none" + bytes([4, 0x30, 0, 0]) + device_class + colour_space
    header += pcs + bytes(12) + b"acsp" + bytes(4) + bytes(4) + bytes(4) + bytes(4) + bytes(8)
    header += struct.pack(">I", 0) + s15(0.9642) + s15(1.0) + s15(0.8249) + b"none" + bytes(16) + bytes(28)
    assert len(header) == 128
    return header + body


def mluc(text):
    encoded = text.encode("utf-16-be")
    return b"mluc" + bytes(4) + struct.pack(">II", 1, 12) + b"enUS" + struct.pack(">II", len(encoded), 28) + encoded


def xyz(x, y, z):
    return b"XYZ " + bytes(4) + s15(x) + s15(y) + s15(z)


def display_p3_profile():
    """Display P3 as Apple's profile defines it: P3 primaries, D65 white adapted to the D50 PCS by Bradford, and
    the sRGB curve (parametric type 3). Written here so the test's reference CMS (lcms2) and ours (moxcms) read
    the same bytes, and no profile file of unknown licence is committed."""

    def xy_to_xyz(x, y):
        return np.array([x / y, 1.0, (1 - x - y) / y])

    primaries = np.column_stack([xy_to_xyz(0.680, 0.320), xy_to_xyz(0.265, 0.690), xy_to_xyz(0.150, 0.060)])
    d65, d50 = xy_to_xyz(0.3127, 0.3290), np.array([0.9642, 1.0, 0.8249])
    rgb_to_xyz = primaries * np.linalg.solve(primaries, d65)
    bradford = np.array([[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]])
    adapt = np.linalg.inv(bradford) @ np.diag((bradford @ d50) / (bradford @ d65)) @ bradford
    colorants = adapt @ rgb_to_xyz
    curve = b"para" + bytes(4) + struct.pack(">HH", 3, 0)
    curve += b"".join(s15(v) for v in (2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045))
    chad = b"sf32" + bytes(4) + b"".join(s15(v) for v in adapt.flatten())
    tags = [
        (b"desc", mluc("Display P3 (avatar-pipeline test)")),
        (b"cprt", mluc("No copyright, use freely")),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"chad", chad),
        (b"rXYZ", xyz(*colorants[:, 0])),
        (b"gXYZ", xyz(*colorants[:, 1])),
        (b"bXYZ", xyz(*colorants[:, 2])),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    return icc_profile(b"mntr", b"RGB ", b"XYZ ", tags)


# Flat patches of a Display P3 photo (device values), 3×3, 200 px each: saturated primaries that sRGB cannot
# show, skin, sky, foliage and neutrals. Their centres stay flat through the 600→512 resize.
P3_PATCHES = [
    [(255, 0, 0), (0, 255, 0), (0, 0, 255)],
    [(230, 150, 120), (90, 160, 220), (60, 140, 50)],
    [(128, 128, 128), (250, 200, 40), (200, 40, 120)],
]


def display_p3_photo():
    """The P3 patch picture with the profile embedded and an EXIF block with GPS (which must never reach an
    output), and lcms2's sRGB value of each patch."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 0.0), 3: "E", 4: (4.0, 53.0, 0.0)}  # GPSInfo: a home address
    return patches_photo("RGB", P3_PATCHES, display_p3_profile(), exif=exif.tobytes())


def srgb_to_lab_d50(rgb):
    """Lab (D50, the PCS) of sRGB-encoded values in 0..1, through XYZ and Bradford adaptation."""
    rgb = np.asarray(rgb, dtype=np.float64)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    to_xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    d65, d50 = np.array([0.95047, 1.0, 1.08883]), np.array([0.9642, 1.0, 0.8249])
    bradford = np.array([[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]])
    adapt = np.linalg.inv(bradford) @ np.diag((bradford @ d50) / (bradford @ d65)) @ bradford
    xyz = (adapt @ to_xyz @ linear) / d50
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def press_cmyk(c, m, y, k):
    """A printing press, roughly: inks are not pure (cyan absorbs some green, magenta some blue) and full black
    ink leaves 8% of the paper's light; far enough from the naive conversion that dropping the profile shows."""
    paper = 1 - 0.92 * k
    return np.array([
        (1 - c) * (1 - 0.10 * m) * paper,
        (1 - m) * (1 - 0.15 * c) * (1 - 0.05 * y) * paper,
        (1 - y) * (1 - 0.20 * m) * (1 - 0.10 * c) * paper,
    ])


def cmyk_profile(grid=9):
    """An output (press) profile: CMYK → Lab through a lut16 A2B0 with a grid of `grid`⁴ points (9: as coarse as
    real press profiles go) of
    `press_cmyk`, identity curves, and the 16-bit legacy Lab encoding lut16 uses (L* 100 = 0xFF00)."""
    steps = np.linspace(0, 1, grid)
    clut = b""
    for c in steps:
        for m in steps:
            for y in steps:
                for k in steps:
                    lightness, a, b = srgb_to_lab_d50(np.clip(press_cmyk(c, m, y, k), 0, 1))
                    encoded = (lightness * 0xFF00 / 100, (a + 128) * 0xFF00 / 255, (b + 128) * 0xFF00 / 255)
                    clut += struct.pack(">HHH", *(int(round(min(max(v, 0), 0xFFFF))) for v in encoded))
    identity = bytes(s15(1.0) + s15(0) + s15(0) + s15(0) + s15(1.0) + s15(0) + s15(0) + s15(0) + s15(1.0))
    curves = lambda n: struct.pack(">HH", 0, 0xFFFF) * n  # noqa: E731
    lut = b"mft2" + bytes(4) + bytes([4, 3, grid, 0]) + identity + struct.pack(">HH", 2, 2)
    lut += curves(4) + clut + curves(3)
    tags = [
        (b"desc", mluc("Press CMYK (avatar-pipeline test)")),
        (b"cprt", mluc("No copyright, use freely")),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"A2B0", lut),
    ]
    return icc_profile(b"prtr", b"CMYK", b"Lab ", tags)


CMYK_PATCHES = [
    [(0, 255, 255, 0), (255, 0, 0, 0), (0, 0, 0, 128)],
    [(50, 100, 150, 30), (200, 30, 0, 60), (0, 0, 0, 255)],
    [(20, 40, 200, 0), (100, 100, 100, 100), (0, 0, 0, 0)],
]


def patches_photo(mode, patches, profile, **save):
    """A 600×600 picture of 3×3 flat patches with `profile` embedded, and lcms2's sRGB value of each patch
    (through Pillow, relative colorimetric) converting the decoded file with that profile."""
    image = Image.new(mode, (600, 600))
    for row, colours in enumerate(patches):
        for column, colour in enumerate(colours):
            image.paste(colour, (column * 200, row * 200, column * 200 + 200, row * 200 + 200))
    data = jpeg(image, icc_profile=profile, subsampling=0, **save)
    decoded = Image.open(io.BytesIO(data))
    srgb = ImageCms.profileToProfile(
        decoded,
        ImageCms.ImageCmsProfile(io.BytesIO(profile)),
        ImageCms.createProfile("sRGB"),
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        outputMode="RGB",
    )
    expected = [
        {"source": list(colour), "srgb": list(srgb.getpixel((column * 200 + 100, row * 200 + 100)))}
        for row, colours in enumerate(patches)
        for column, colour in enumerate(colours)
    ]
    return data, json.dumps({"patch": 200, "side": 600, "patches": expected}, indent=1).encode() + b"\n"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    files = {}
    photo = upright(640, 480)
    files["empty.jpg"] = b""
    files["truncated.jpg"] = jpeg(photo)[: len(jpeg(photo)) // 2]  # a browser shows the top half: so do we
    files.update(damaged_jpegs(photo))
    files["display_p3.jpg"], files["display_p3.expected.json"] = display_p3_photo()
    files["cmyk_profile.jpg"], files["cmyk_profile.expected.json"] = patches_photo("CMYK", CMYK_PATCHES, cmyk_profile())
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
