//! The tiny placeholder a client shows while an image loads (issue 17 item 3): the main output shrunk so its longer
//! side is [`LONGER_SIDE`] pixels, as a low-quality WebP in a `data:` URI, well under 1 KB. It is made from the
//! main output (already cropped, oriented and sRGB), so it looks like what it stands in for.

use base64::Engine;

use super::{process, Encoded, Limits, OutputFormat, OutputSpec};

/// Pixels of the placeholder's longer side: enough for a blurred preview, few enough bytes to inline.
pub const LONGER_SIDE: u32 = 16;

/// `data:image/webp;base64,…` of `main`, or `None` when it cannot be made (the outputs are written without it).
pub fn placeholder(main: &Encoded, limits: &Limits) -> Option<String> {
    let (width, height) = if main.width >= main.height {
        (LONGER_SIDE, scaled(main.height, main.width))
    } else {
        (scaled(main.width, main.height), LONGER_SIDE)
    };
    let spec = OutputSpec {
        width,
        height,
        format: OutputFormat::Webp,
        quality: 30,
        background: [255, 255, 255],
    };
    let tiny = process(&main.bytes, &spec, limits).ok()?;
    Some(format!(
        "data:{};base64,{}",
        OutputFormat::Webp.content_type(),
        base64::engine::general_purpose::STANDARD.encode(tiny.bytes)
    ))
}

/// `short` scaled as `longer` becomes [`LONGER_SIDE`], at least 1.
fn scaled(short: u32, longer: u32) -> u32 {
    (u64::from(short) * u64::from(LONGER_SIDE))
        .div_ceil(u64::from(longer.max(1)))
        .clamp(1, u64::from(LONGER_SIDE)) as u32
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_banner_keeps_its_shape_in_a_few_hundred_bytes() {
        let banner = OutputSpec {
            width: 1500,
            height: 500,
            ..OutputSpec::avatar()
        };
        let source = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/hostile/progressive.jpg"
        ))
        .unwrap();
        let main = process(&source, &banner, &Limits::default()).unwrap();
        let uri = placeholder(&main, &Limits::default()).unwrap();
        assert!(uri.starts_with("data:image/webp;base64,"), "{uri}");
        assert!(uri.len() <= 1024, "{} bytes", uri.len());
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(uri.trim_start_matches("data:image/webp;base64,"))
            .unwrap();
        // Read back through the pipeline's own WebP decoder: the source size it reports is the placeholder's.
        let read = process(
            &bytes,
            &OutputSpec {
                width: 16,
                height: 6,
                ..OutputSpec::avatar()
            },
            &Limits::default(),
        )
        .unwrap();
        assert_eq!((read.source.width, read.source.height), (16, 6));
    }

    #[test]
    fn sides_scale_and_never_vanish() {
        assert_eq!(scaled(500, 1500), 6);
        assert_eq!(scaled(512, 512), 16);
        assert_eq!(scaled(1, 10_000), 1);
    }
}
