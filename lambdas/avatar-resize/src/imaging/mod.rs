//! The pure image pipeline: bytes in, encoded avatar out. No AWS, no I/O, deterministic (the same input and spec
//! always give the same bytes, which is what makes a retried S3 event harmless).
//!
//! sniff format → check the header against [`Limits`] → decode (JPEG shrinks on load in the DCT domain) →
//! centre-crop and resize with Lanczos3 → flatten alpha → apply EXIF orientation → encode. Every failure is a [`Rejection`]:
//! the input is bad, and trying again will not help.

mod colour;
mod decode;
mod encode;
mod format;
mod headers;
mod jpeg;
mod limits;
mod orientation;
mod placeholder;
mod png;
mod rejection;
mod resize;
mod webp;

pub use format::{sniff, OutputFormat, SourceFormat, SourceFormats};
pub use limits::Limits;
pub use orientation::Orientation;
pub use placeholder::placeholder;
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
    process_all(input, std::slice::from_ref(spec), limits)?
        .pop()
        .ok_or_else(|| Rejection::Encode("no output was made".to_owned()))
}

/// Turns an uploaded original into every output of a kind, in the order of `specs`, from one decode: the decode
/// shrinks on load only as far as the largest output allows, each output is resized from the smallest image
/// already made that covers it (see [`resize::crop_to_fill_all`]).
/// All of them are made, or the first rejection is returned.
pub fn process_all(
    input: &[u8],
    specs: &[OutputSpec],
    limits: &Limits,
) -> Result<Vec<Encoded>, Rejection> {
    process_all_timed(input, specs, limits, &mut StageTimes::default())
}

/// CPU time of this thread in each stage of [`process_all`] (the pipeline runs on one thread), added to on every
/// call: where the time goes, for `make bench`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageTimes {
    /// Sniff, header checks, the (shrink-on-load) decode and the ICC conversion.
    pub decode: std::time::Duration,
    /// Every crop-to-fill resize.
    pub resize: std::time::Duration,
    /// Alpha flattening and the EXIF orientation.
    pub finish: std::time::Duration,
    pub encode: std::time::Duration,
}

/// Runs `stage`, adding its thread CPU time to `total`.
fn timed<T>(total: &mut std::time::Duration, stage: impl FnOnce() -> T) -> T {
    let start = cpu_time::ThreadTime::now();
    let result = stage();
    *total += start.elapsed();
    result
}

/// [`process_all`], adding each stage's CPU time to `times`.
pub fn process_all_timed(
    input: &[u8],
    specs: &[OutputSpec],
    limits: &Limits,
    times: &mut StageTimes,
) -> Result<Vec<Encoded>, Rejection> {
    if input.is_empty() {
        return Err(Rejection::Empty);
    }
    let (decoded, format, orientation, stored) = timed(&mut times.decode, || {
        let format = sniff(input).ok_or(Rejection::UnsupportedFormat)?;
        limits.check_format(format)?;
        let orientation = Orientation::read(input);
        // The crops are taken before the orientation is applied, so ask for each output's size as stored in the
        // file.
        let stored: Vec<(u32, u32)> = specs
            .iter()
            .map(|spec| {
                if orientation.swaps_axes() {
                    (spec.height, spec.width)
                } else {
                    (spec.width, spec.height)
                }
            })
            .collect();
        let decoded = decode::decode(input, format, limits, &stored)?;
        Ok::<_, Rejection>((decoded, format, orientation, stored))
    })?;
    let source = SourceInfo {
        format,
        width: decoded.source_width,
        height: decoded.source_height,
        orientation,
    };
    // Alpha is resized premultiplied and flattened afterwards, on the output's pixels instead of the full image.
    let resized = timed(&mut times.resize, || {
        resize::crop_to_fill_all(&decoded.pixels, &stored)
    })?;
    drop(decoded);
    // One after another: on 2 cores, threads per output cost 1.2 ms more CPU for a 1.4 MP source with 5 outputs
    // and saved no wall time (the main output is most of the work); Lambda bills the wall time of < 1 vCPU anyway.
    resized
        .into_iter()
        .zip(specs)
        .map(|(pixels, spec)| {
            let oriented = timed(&mut times.finish, || {
                orientation.apply(pixels.flatten(spec.background))
            });
            let bytes = timed(&mut times.encode, || encode::encode(&oriented, spec))?;
            Ok(Encoded {
                bytes,
                width: oriented.width,
                height: oriented.height,
                format: spec.format,
                source,
            })
        })
        .collect()
}

/// Tightly packed 8-bit sRGB pixels, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rgb {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

/// Decoded pixels, with or without alpha.
#[derive(Debug, Clone)]
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
    pub(crate) fn size(&self) -> (u32, u32) {
        match self {
            Pixels::Rgb(rgb) => (rgb.width, rgb.height),
            Pixels::Rgba { width, height, .. } => (*width, *height),
        }
    }

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
