//! Issue 19 item 3: an embedded ICC profile is converted to sRGB, within 2 ΔE of a reference CMS, and the output
//! carries no profile and no EXIF. The reference values are lcms2's (through Pillow), written next to the photo
//! by `make_hostile_corpus.py`.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use avatar_resize::imaging::{process, Limits, OutputSpec};

fn hostile(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/hostile")
            .join(name),
    )
    .unwrap()
}

/// CIE L*a*b* (D65) of an 8-bit sRGB colour.
fn lab([r, g, b]: [u8; 3]) -> [f64; 3] {
    let linear = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let (r, g, b) = (linear(r), linear(g), linear(b));
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| {
        if t > 216.0 / 24389.0 {
            t.cbrt()
        } else {
            (24389.0 / 27.0 * t + 16.0) / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// ΔE*ab (CIE 1976): at these distances stricter than CIEDE2000 for saturated colours.
fn delta_e(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (a, b) = (lab(a), lab(b));
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

fn rgb(value: &serde_json::Value) -> [u8; 3] {
    let channel = |i: usize| u8::try_from(value[i].as_u64().unwrap()).unwrap();
    [channel(0), channel(1), channel(2)]
}

/// Processes `name` into the 512×512 avatar and compares each patch centre with lcms2's value; returns the worst
/// ΔE, and the worst ΔE of `naive` (what the source values become without the profile) against lcms2.
fn worst_delta_e(name: &str, naive: impl Fn(&[u64]) -> [u8; 3]) -> (f64, f64) {
    let expected: serde_json::Value =
        serde_json::from_slice(&hostile(&format!("{name}.expected.json"))).unwrap();
    let encoded = process(
        &hostile(&format!("{name}.jpg")),
        &OutputSpec::avatar(),
        &Limits::default(),
    )
    .unwrap();
    let image = turbojpeg::decompress(&encoded.bytes, turbojpeg::PixelFormat::RGB).unwrap();
    let side = expected["side"].as_u64().unwrap() as usize;
    let patch = expected["patch"].as_u64().unwrap() as usize;
    let scale = |v: usize| v * image.width / side;
    let mut worst: f64 = 0.0;
    let mut naive_worst: f64 = 0.0;
    for (index, values) in expected["patches"].as_array().unwrap().iter().enumerate() {
        let (row, column) = (index / 3, index % 3);
        let (x, y) = (
            scale(column * patch + patch / 2),
            scale(row * patch + patch / 2),
        );
        let i = (y * image.width + x) * 3;
        let ours = [image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]];
        let reference = rgb(&values["srgb"]);
        let source: Vec<u64> = values["source"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        let difference = delta_e(ours, reference);
        assert!(
            difference <= 2.0,
            "{name} patch {index} (source {source:?}): ours {ours:?}, lcms2 {reference:?}, ΔE {difference:.2}"
        );
        worst = worst.max(difference);
        naive_worst = naive_worst.max(delta_e(naive(&source), reference));
    }
    eprintln!("{name}: worst ΔE76 against lcms2 {worst:.2}; without the profile {naive_worst:.1}");
    (worst, naive_worst)
}

#[test]
fn a_display_p3_photo_becomes_srgb_within_2_delta_e_of_lcms2() {
    let (_, dropped) = worst_delta_e("display_p3", |p3| [p3[0] as u8, p3[1] as u8, p3[2] as u8]);
    // The test can fail: the P3 values taken as sRGB (the profile dropped) are far off.
    assert!(dropped > 10.0, "profile ignored would be ΔE {dropped:.1}");
}

#[test]
fn a_cmyk_jpeg_with_a_press_profile_is_converted_through_it() {
    // Without the profile: the naive conversion, as for a CMYK file without one.
    let naive = |cmyk: &[u64]| -> [u8; 3] {
        let k = 255 - cmyk[3];
        [0, 1, 2].map(|i| (((255 - cmyk[i]) * k + 127) / 255) as u8)
    };
    let (_, dropped) = worst_delta_e("cmyk_profile", naive);
    assert!(dropped > 10.0, "profile ignored would be ΔE {dropped:.1}");
}

#[test]
fn outputs_carry_no_icc_profile_and_no_exif_so_no_gps() {
    let source = hostile("display_p3.jpg");
    let contains =
        |haystack: &[u8], needle: &[u8]| haystack.windows(needle.len()).any(|w| w == needle);
    assert!(contains(&source, b"ICC_PROFILE") && contains(&source, b"Exif"));
    for format in [
        avatar_resize::imaging::OutputFormat::Jpeg,
        avatar_resize::imaging::OutputFormat::Webp,
    ] {
        let spec = OutputSpec {
            format,
            ..OutputSpec::avatar()
        };
        let encoded = process(&source, &spec, &Limits::default()).unwrap();
        for marker in [&b"ICC_PROFILE"[..], b"ICCP", b"Exif", b"EXIF"] {
            assert!(
                !contains(&encoded.bytes, marker),
                "{format:?} output holds {:?}",
                String::from_utf8_lossy(marker)
            );
        }
    }
}
