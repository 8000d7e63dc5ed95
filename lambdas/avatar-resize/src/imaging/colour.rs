//! Colour management: a source's embedded ICC profile is converted to sRGB with moxcms (pure Rust), so a Display
//! P3 phone photo keeps its reds and greens once written as an sRGB output without a profile. CMYK sources with a
//! profile go through it too; CMYK without one keeps the naive conversion browsers use. A profile that does not
//! parse, or does not fit the pixels (a gray profile on an RGB decode), is ignored with a log line: the pixels are
//! then taken as sRGB, as browsers do.
//!
//! The conversion runs on the decoded image after shrink-on-load and before the resize, where libvips (sharp)
//! does it too.

use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};

use super::Pixels;

/// Converts `pixels` (RGB or straight-alpha RGBA) from `icc` to sRGB in place. Returns whether it did.
pub(crate) fn rgb_to_srgb(pixels: &mut Pixels, icc: &[u8]) -> bool {
    let Some(source) = parse(icc, DataColorSpace::Rgb) else {
        return false;
    };
    if is_srgb(&source) {
        return false;
    }
    let (layout, data) = match pixels {
        Pixels::Rgb(rgb) => (Layout::Rgb, &mut rgb.data),
        Pixels::Rgba { data, .. } => (Layout::Rgba, data),
    };
    let transform = match source.create_transform_8bit(
        layout,
        &ColorProfile::new_srgb(),
        layout,
        TransformOptions::default(),
    ) {
        Ok(transform) => transform,
        Err(err) => {
            tracing::warn!(error = %err, "embedded ICC profile not usable; pixels taken as sRGB");
            return false;
        }
    };
    let mut out = vec![0u8; data.len()];
    match transform.transform(data, &mut out) {
        Ok(()) => {
            *data = out;
            true
        }
        Err(err) => {
            tracing::warn!(error = %err, "ICC conversion failed; pixels taken as sRGB");
            false
        }
    }
}

/// Converts CMYK samples (4 per pixel, 0 = no ink) to packed sRGB through `icc`, or `None` when the profile is
/// not a usable CMYK one.
pub(crate) fn cmyk_to_srgb(cmyk: &[u8], icc: &[u8]) -> Option<Vec<u8>> {
    let source = parse(icc, DataColorSpace::Cmyk)?;
    // moxcms takes 8-bit CMYK in the RGBA layout.
    let transform = source
        .create_transform_8bit(
            Layout::Rgba,
            &ColorProfile::new_srgb(),
            Layout::Rgb,
            TransformOptions::default(),
        )
        .map_err(|err| tracing::warn!(error = %err, "embedded CMYK profile not usable"))
        .ok()?;
    let mut out = vec![0u8; cmyk.len() / 4 * 3];
    transform
        .transform(cmyk, &mut out)
        .map_err(|err| tracing::warn!(error = %err, "CMYK ICC conversion failed"))
        .ok()?;
    Some(out)
}

fn parse(icc: &[u8], expected: DataColorSpace) -> Option<ColorProfile> {
    match ColorProfile::new_from_slice(icc) {
        Ok(profile) if profile.color_space == expected => Some(profile),
        Ok(profile) => {
            tracing::warn!(
                colour_space = ?profile.color_space,
                expected = ?expected,
                "embedded ICC profile does not match the pixels; ignored"
            );
            None
        }
        Err(err) => {
            tracing::warn!(error = %err, "embedded ICC profile does not parse; ignored");
            None
        }
    }
}

/// A matrix-shaper profile with sRGB's primaries, white point and curve converts to itself: skip the pass (many
/// cameras and Android phones embed sRGB).
fn is_srgb(profile: &ColorProfile) -> bool {
    let srgb = ColorProfile::new_srgb();
    let close = |a: moxcms::Xyzd, b: moxcms::Xyzd| {
        (a.x - b.x).abs() < 2e-3 && (a.y - b.y).abs() < 2e-3 && (a.z - b.z).abs() < 2e-3
    };
    let colorants = [
        (profile.red_colorant, srgb.red_colorant),
        (profile.green_colorant, srgb.green_colorant),
        (profile.blue_colorant, srgb.blue_colorant),
    ];
    if !colorants.iter().all(|&(a, b)| close(a, b)) {
        return false;
    }
    // The curves: every 8-bit code through the profile's own matrix-shaper round trip would be exact; comparing
    // the linearised values at a few codes is enough to tell sRGB from gamma 2.2 or a linear profile.
    let Ok(transform) =
        profile.create_transform_8bit(Layout::Rgb, &srgb, Layout::Rgb, TransformOptions::default())
    else {
        return false;
    };
    let probe: Vec<u8> = [0u8, 16, 64, 128, 192, 240, 255]
        .iter()
        .flat_map(|&v| [v, v, v])
        .collect();
    let mut out = vec![0u8; probe.len()];
    transform.transform(&probe, &mut out).is_ok()
        && probe.iter().zip(&out).all(|(a, b)| a.abs_diff(*b) <= 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imaging::Rgb;

    #[test]
    fn an_srgb_profile_is_a_no_op_and_display_p3_is_converted() {
        let srgb = ColorProfile::new_srgb().encode().expect("sRGB encodes");
        let p3 = ColorProfile::new_display_p3().encode().expect("P3 encodes");
        let red = || {
            Pixels::Rgb(Rgb {
                width: 1,
                height: 1,
                data: vec![200, 30, 30],
            })
        };
        let mut pixels = red();
        assert!(!rgb_to_srgb(&mut pixels, &srgb));
        let mut pixels = red();
        assert!(rgb_to_srgb(&mut pixels, &p3));
        let Pixels::Rgb(rgb) = pixels else {
            unreachable!()
        };
        // P3 (200, 30, 30) is a more saturated red than sRGB (200, 30, 30): red up, green down.
        assert!(rgb.data[0] > 200 && rgb.data[1] < 30, "{:?}", rgb.data);
        // Junk is ignored, not an error.
        let mut pixels = red();
        assert!(!rgb_to_srgb(&mut pixels, b"not a profile"));
    }
}
