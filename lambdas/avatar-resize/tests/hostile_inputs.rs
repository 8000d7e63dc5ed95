//! Every hostile or odd input of `tests/hostile/` (made by `make_hostile_corpus.py`) gives either the right output
//! or a clean rejection with the right code: no panic, and bombs are refused from their header.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use avatar_resize::imaging::{process, Limits, OutputSpec};

fn hostile(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/hostile")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|err| {
        panic!(
            "{}: {err} (rebuild with make_hostile_corpus.py)",
            path.display()
        )
    })
}

/// Decodes our JPEG output back to RGB.
fn pixels(jpeg: &[u8]) -> (usize, usize, Vec<u8>) {
    let image = turbojpeg::decompress(jpeg, turbojpeg::PixelFormat::RGB).unwrap();
    (image.width, image.height, image.pixels)
}

#[track_caller]
fn assert_colour_near(
    rgb: &[u8],
    width: usize,
    (x, y): (usize, usize),
    expected: [u8; 3],
    what: &str,
) {
    let i = (y * width + x) * 3;
    let actual = &rgb[i..i + 3];
    let close = actual
        .iter()
        .zip(expected)
        .all(|(&a, e)| a.abs_diff(e) <= 40);
    assert!(
        close,
        "{what}: pixel ({x},{y}) is {actual:?}, expected about {expected:?}"
    );
}

#[track_caller]
fn assert_rejected(name: &str, limits: &Limits, code: &str) {
    let err = process(&hostile(name), &OutputSpec::avatar(), limits).expect_err(name);
    assert_eq!(err.code(), code, "{name}: {err}");
}

#[test]
fn junk_and_broken_files_are_rejected_with_a_reason() {
    let limits = Limits::default();
    for (name, code) in [
        ("empty.jpg", "empty"),
        ("text.jpg", "unsupported-format"),
        ("page.jpg", "unsupported-format"),
        ("vector.svg", "unsupported-format"),
        ("truncated.png", "corrupt"),
        // Headers and no scan data: libjpeg would "decode" it to flat grey, with a warning.
        ("nothing_decodable.jpg", "corrupt"),
    ] {
        assert_rejected(name, &limits, code);
    }
}

#[test]
fn bombs_and_lying_headers_are_refused_from_the_header() {
    let limits = Limits::default();
    assert_rejected("header_100000x100000.png", &limits, "dimension-too-large");
    assert_rejected("bomb_30000x30000.png", &limits, "dimension-too-large");
    assert_rejected("header_65000x65000.jpg", &limits, "dimension-too-large");
    // With the side limit lifted, the pixel-count limit still refuses the 900 MP bomb.
    let wide = Limits {
        max_dimension: 65_535,
        max_pixels: 50_000_000,
        ..Limits::default()
    };
    assert_rejected("bomb_30000x30000.png", &wide, "too-many-pixels");
    assert_rejected("header_65000x65000.jpg", &wide, "too-many-pixels");
}

#[test]
fn refusing_a_bomb_costs_no_memory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jpg");
    for name in [
        "bomb_30000x30000.png",
        "header_100000x100000.png",
        "header_65000x65000.jpg",
    ] {
        let input: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/hostile")
            .join(name);
        let run = Command::new(env!("CARGO_BIN_EXE_avatar-resize-local"))
            .args(["--stats", "--max-dimension", "65535"])
            .arg(&input)
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(
            run.status.code(),
            Some(65),
            "{name}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let stats: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        let peak_kb = stats["peak_rss_kb"].as_u64().unwrap();
        assert!(peak_kb < 32 * 1024, "{name}: peak RSS {peak_kb} kB");
        let code = stats["rejected"].as_str().unwrap();
        assert!(
            ["too-many-pixels", "dimension-too-large"].contains(&code),
            "{name}: {code}"
        );
    }
}

#[test]
fn odd_but_valid_images_become_the_right_avatar() {
    let limits = Limits::default();
    let white = [255, 255, 255];
    for (name, centre) in [
        ("cmyk.jpg", [255, 0, 0]),
        ("grayscale.jpg", [128, 128, 128]),
        ("gray16.png", [156, 156, 156]),
        ("rgb16.png", [255, 128, 0]),
        ("palette_trns.png", white),
        ("animated.gif", [255, 0, 0]), // the first frame, not the second (blue)
    ] {
        let encoded = process(&hostile(name), &OutputSpec::avatar(), &limits)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (w, h, rgb) = pixels(&encoded.bytes);
        assert_eq!((w, h), (512, 512), "{name}");
        assert_colour_near(&rgb, w, (256, 256), centre, name);
    }
    // Left half transparent, right half green: flattened onto white, then cropped to the centre square.
    let encoded = process(
        &hostile("lossless_alpha.webp"),
        &OutputSpec::avatar(),
        &limits,
    )
    .unwrap();
    let (w, _, rgb) = pixels(&encoded.bytes);
    assert_colour_near(&rgb, w, (100, 256), white, "transparent half");
    assert_colour_near(&rgb, w, (412, 256), [0, 255, 0], "opaque half");
    // Progressive JPEG: the upright quadrant picture.
    let encoded = process(&hostile("progressive.jpg"), &OutputSpec::avatar(), &limits).unwrap();
    assert_quadrants(&encoded.bytes, "progressive.jpg");
}

#[track_caller]
fn assert_quadrants(jpeg: &[u8], what: &str) {
    let (w, h, rgb) = pixels(jpeg);
    assert_eq!((w, h), (512, 512), "{what}");
    assert_colour_near(
        &rgb,
        w,
        (128, 128),
        [255, 0, 0],
        &format!("{what} top left"),
    );
    assert_colour_near(
        &rgb,
        w,
        (384, 128),
        [0, 255, 0],
        &format!("{what} top right"),
    );
    assert_colour_near(
        &rgb,
        w,
        (128, 384),
        [0, 0, 255],
        &format!("{what} bottom left"),
    );
    assert_colour_near(
        &rgb,
        w,
        (384, 384),
        [255, 255, 0],
        &format!("{what} bottom right"),
    );
}

/// Issue 19 item 2: damage libjpeg recovers from (with a warning) is decoded as browsers show it, not refused.
#[test]
fn recoverable_jpeg_damage_is_decoded_as_browsers_show_it() {
    let limits = Limits::default();
    for name in [
        "damaged_truncated_progressive.jpg",
        "damaged_extraneous_bytes.jpg",
        "damaged_bad_icc.jpg",
        "damaged_inconsistent_progression.jpg",
    ] {
        let encoded = process(&hostile(name), &OutputSpec::avatar(), &limits)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_quadrants(&encoded.bytes, name);
    }
    // Cut in the middle of a baseline scan: the top half is the picture, the rest libjpeg's fill, as in a browser.
    let encoded = process(&hostile("truncated.jpg"), &OutputSpec::avatar(), &limits).unwrap();
    let (w, _, rgb) = pixels(&encoded.bytes);
    assert_colour_near(&rgb, w, (128, 128), [255, 0, 0], "truncated top left");
    assert_colour_near(&rgb, w, (384, 128), [0, 255, 0], "truncated top right");
}

#[test]
fn every_exif_orientation_is_applied_to_the_pixels() {
    for orientation in 1..=8 {
        let name = format!("orientation_{orientation}.jpg");
        let encoded = process(&hostile(&name), &OutputSpec::avatar(), &Limits::default()).unwrap();
        assert_eq!(encoded.source.orientation.value(), orientation);
        assert_quadrants(&encoded.bytes, &name);
    }
}

#[test]
fn the_output_carries_no_metadata() {
    let encoded = process(
        &hostile("orientation_6.jpg"),
        &OutputSpec::avatar(),
        &Limits::default(),
    )
    .unwrap();
    assert!(
        !encoded.bytes.windows(4).any(|w| w == b"Exif"),
        "EXIF block copied into the avatar"
    );
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let input = hostile("progressive.jpg");
    let first = process(&input, &OutputSpec::avatar(), &Limits::default()).unwrap();
    let second = process(&input, &OutputSpec::avatar(), &Limits::default()).unwrap();
    assert_eq!(first.bytes, second.bytes);
}

#[test]
fn webp_output_is_a_lossy_webp_of_the_requested_size() {
    let spec = OutputSpec {
        format: avatar_resize::imaging::OutputFormat::Webp,
        ..OutputSpec::avatar()
    };
    let encoded = process(&hostile("progressive.jpg"), &spec, &Limits::default()).unwrap();
    assert_eq!(&encoded.bytes[0..4], b"RIFF");
    assert_eq!(&encoded.bytes[8..16], b"WEBPVP8 ", "lossy VP8 bitstream");
    // Round trip through our own decoder: 512×512, quadrants in place.
    let again = process(&encoded.bytes, &OutputSpec::avatar(), &Limits::default()).unwrap();
    assert_eq!((again.source.width, again.source.height), (512, 512));
    assert_quadrants(&again.bytes, "webp round trip");
}
