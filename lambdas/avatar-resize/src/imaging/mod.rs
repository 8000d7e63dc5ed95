//! The pure image pipeline: bytes in, encoded avatar out. No AWS, no I/O, deterministic (the same input and spec
//! always give the same bytes, which is what makes a retried S3 event harmless).
//!
//! sniff format → check the header against [`Limits`] → decode (JPEG shrinks on load in the DCT domain) →
//! centre-crop and resize with Lanczos3 → flatten alpha → apply EXIF orientation → encode. Every failure is a [`Rejection`]:
//! the input is bad, and trying again will not help.

mod decode;
mod encode;
mod format;
mod headers;
mod limits;
mod orientation;
mod rejection;
mod resize;
mod webp;

pub use format::{sniff, OutputFormat, SourceFormat, SourceFormats};
pub use limits::Limits;
pub use orientation::Orientation;
pub use rejection::Rejection;

/// What one output of an image kind looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    pub width: u32,
    pub height: u32,
    pub format: OutputFormat,
    /// 1..=100.
    pub quality: u8,
    /// Transparent pixels are flattened onto this sRGB colour.
    pub background: [u8; 3],
}

impl OutputSpec {
    /// The reference app's avatar: 512×512, JPEG quality 80, white behind transparency.
    pub fn avatar() -> Self {
        Self {
            width: 512,
            height: 512,
            format: OutputFormat::Jpeg,
            quality: 80,
            background: [255, 255, 255],
        }
    }
}

/// What is known about the source once its header has been read (for log lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceInfo {
    pub format: SourceFormat,
    pub width: u32,
    pub height: u32,
    pub orientation: Orientation,
}

/// An encoded output image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub format: OutputFormat,
    pub source: SourceInfo,
}

/// Turns an uploaded original into one output image.
pub fn process(input: &[u8], spec: &OutputSpec, limits: &Limits) -> Result<Encoded, Rejection> {
    if input.is_empty() {
        return Err(Rejection::Empty);
    }
    let format = sniff(input).ok_or(Rejection::UnsupportedFormat)?;
    limits.check_format(format)?;
    let orientation = Orientation::read(input);
    // The crop is taken before the orientation is applied, so ask for the output's size as stored in the file.
    let (stored_width, stored_height) = if orientation.swaps_axes() {
        (spec.height, spec.width)
    } else {
        (spec.width, spec.height)
    };
    let decoded = decode::decode(input, format, limits, (stored_width, stored_height))?;
    let source = SourceInfo {
        format,
        width: decoded.source_width,
        height: decoded.source_height,
        orientation,
    };
    // Alpha is resized premultiplied and flattened afterwards, on 512×512 pixels instead of the full image.
    let resized = resize::crop_to_fill(&decoded.pixels, stored_width, stored_height)?;
    let oriented = orientation.apply(resized.flatten(spec.background));
    let bytes = encode::encode(&oriented, spec)?;
    Ok(Encoded {
        bytes,
        width: oriented.width,
        height: oriented.height,
        format: spec.format,
        source,
    })
}

/// Tightly packed 8-bit sRGB pixels, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rgb {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

/// Decoded pixels, with or without alpha.
#[derive(Debug)]
pub(crate) enum Pixels {
    Rgb(Rgb),
    /// Straight (not premultiplied) alpha.
    Rgba {
        width: u32,
        height: u32,
        data: Vec<u8>,
    },
}

impl Pixels {
    /// Composites RGBA onto an opaque background (JPEG has no alpha; WebP output keeps the same look).
    pub(crate) fn flatten(self, background: [u8; 3]) -> Rgb {
        match self {
            Pixels::Rgb(rgb) => rgb,
            Pixels::Rgba {
                width,
                height,
                data,
            } => {
                let mut out = Vec::with_capacity(data.len() / 4 * 3);
                for px in data.chunks_exact(4) {
                    let alpha = u32::from(px[3]);
                    for channel in 0..3 {
                        let fg = u32::from(px[channel]);
                        let bg = u32::from(background[channel]);
                        // Rounded (fg·a + bg·(255−a)) / 255, exact in integers.
                        let v = (fg * alpha + bg * (255 - alpha) + 127) / 255;
                        out.push(v as u8);
                    }
                }
                Rgb {
                    width,
                    height,
                    data: out,
                }
            }
        }
    }
}
