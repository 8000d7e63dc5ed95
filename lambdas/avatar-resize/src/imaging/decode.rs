//! Decoding under hard limits. JPEG goes through libjpeg-turbo, which can shrink by 1/2, 1/4 or 1/8 while
//! decoding (it drops DCT coefficients instead of computing pixels that the resize would throw away): a 12 MP
//! photo decodes straight to 1000×750, which is most of the speed and nearly all of the memory saving.
//! WebP goes through libwebp (see `webp.rs`). A PNG the outputs let shrink is decoded row by row into a 1/2, 1/4 or
//! 1/8 image (`png.rs`); other PNGs and GIFs go through the pure-Rust decoders of the `image` crate, with its
//! allocation limit set.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader};
use pipeline_contract::memory::Decode;
use turbojpeg::ScalingFactor;

use super::colour;
use super::headers::{gif_frames, jpeg_scans, webp_icc};
use super::jpeg;
use super::{Limits, Pixels, Rejection, Rgb, SourceFormat};

/// Progressive JPEGs with more scans than this are refused: each scan re-walks the whole image, so a file with
/// thousands of tiny scans is a CPU bomb (libjpeg-turbo's own tools use 500).
const MAX_JPEG_SCANS: u32 = 500;

pub(crate) struct Decoded {
    /// sRGB: an embedded ICC profile has been applied.
    pub pixels: Pixels,
    /// The size stated by the file, before any shrink-on-load.
    pub source_width: u32,
    pub source_height: u32,
}

/// Decodes `bytes`, shrinking on load when the format allows it, to no less than any of `targets` (the outputs'
/// sizes as stored). Each format's header is checked against the limits, the memory budget included, before its
/// pixels are allocated.
pub(crate) fn decode(
    bytes: &[u8],
    format: SourceFormat,
    limits: &Limits,
    targets: &[(u32, u32)],
) -> Result<Decoded, Rejection> {
    let widest = targets.iter().map(|&(width, _)| width).max().unwrap_or(0);
    let (mut decoded, icc) = match format {
        SourceFormat::Jpeg => decode_jpeg(bytes, limits, targets, widest)?,
        SourceFormat::Png => {
            let denom = |width, height| shrink_on_load(width, height, targets).denom() as u32;
            match super::png::decode_shrunk(bytes, limits, widest, denom)? {
                Some(shrunk) => (
                    Decoded {
                        pixels: shrunk.pixels,
                        source_width: shrunk.width,
                        source_height: shrunk.height,
                    },
                    shrunk.icc,
                ),
                None => decode_with_image(bytes, image::ImageFormat::Png, limits, widest)?,
            }
        }
        SourceFormat::Webp => (decode_webp(bytes, limits, widest)?, webp_icc(bytes)),
        SourceFormat::Gif => decode_with_image(bytes, image::ImageFormat::Gif, limits, widest)?,
    };
    if let Some(icc) = icc {
        colour::rgb_to_srgb(&mut decoded.pixels, &icc);
    }
    Ok(decoded)
}

fn corrupt(err: impl std::fmt::Display) -> Rejection {
    Rejection::Corrupt(err.to_string())
}

/// The decoded image, and the ICC profile still to apply (`None` once a CMYK profile has been).
fn decode_jpeg(
    bytes: &[u8],
    limits: &Limits,
    targets: &[(u32, u32)],
    widest: u32,
) -> Result<(Decoded, Option<Vec<u8>>), Rejection> {
    let mut decompressor = jpeg::Decompressor::new().map_err(corrupt)?;
    let header = decompressor.read_header(bytes).map_err(corrupt)?;
    let (width, height) = (header.width, header.height);
    limits.check(width, height)?;

    let scale = shrink_on_load(width, height, targets);
    let scaled_width = scale.scale(width as usize);
    let scaled_height = scale.scale(height as usize);
    let cmyk = header.is_cmyk();
    let scans = jpeg_scans(bytes);
    limits.check_memory(
        &Decode::Jpeg {
            width,
            height,
            scaled_width: scaled_width as u32,
            scaled_height: scaled_height as u32,
            samples_per_pixel_x2: header.samples_per_pixel_x2(),
            cmyk,
            buffered: header.progressive || scans.count > 1,
        },
        widest,
    )?;
    let format = if cmyk {
        jpeg::PixelFormat::Cmyk
    } else {
        jpeg::PixelFormat::Rgb
    };
    let mut data = vec![0u8; scaled_width * scaled_height * format.bytes()];
    decompressor
        .decompress(
            bytes,
            (scale.num() as u32, scale.denom() as u32),
            MAX_JPEG_SCANS,
            format,
            &mut data,
            (scaled_width, scaled_height),
        )
        .map_err(corrupt)?;
    if !decompressor.warnings().is_empty() {
        // Recoverable damage, decoded as a browser shows it; unless the file holds no picture data at all (libjpeg
        // then "decodes" its own fill for the missing data).
        if scans.first_data_bytes == 0 {
            return Err(Rejection::Corrupt(format!(
                "no picture data after the first scan header ({})",
                decompressor.warnings().join("; ")
            )));
        }
        tracing::warn!(
            warnings = decompressor.warnings().join("; "),
            width,
            height,
            "damaged JPEG decoded as browsers show it"
        );
    }
    let mut icc = header.icc;
    if cmyk {
        // Adobe CMYK (the only kind in practice) stores inverted ink; the profile takes ink (0 = none).
        let from_profile = icc.take().and_then(|profile| {
            let ink: Vec<u8> = data.iter().map(|&v| 255 - v).collect();
            colour::cmyk_to_srgb(&ink, &profile)
        });
        data = from_profile.unwrap_or_else(|| cmyk_to_rgb(&data));
    }
    let decoded = Decoded {
        pixels: Pixels::Rgb(Rgb {
            width: scaled_width as u32,
            height: scaled_height as u32,
            data,
        }),
        source_width: width,
        source_height: height,
    };
    Ok((decoded, icc))
}

/// The largest power-of-two shrink (libjpeg-turbo has SIMD paths for 1/2, 1/4, 1/8; PNG's box shrink takes the same)
/// that still leaves the image
/// at least as large as every target on both axes, so each output's resize only ever reduces.
fn shrink_on_load(width: u32, height: u32, targets: &[(u32, u32)]) -> ScalingFactor {
    for denom in [8u32, 4, 2] {
        let covers = |&(target_w, target_h): &(u32, u32)| {
            width.div_ceil(denom) >= target_w && height.div_ceil(denom) >= target_h
        };
        if targets.iter().all(covers) {
            return ScalingFactor::new(1, denom as usize);
        }
    }
    ScalingFactor::ONE
}

/// Adobe-style CMYK JPEGs (the only kind in practice) store inverted ink values, so R = C·K/255 on the stored
/// bytes. The naive conversion browsers use for CMYK without an ICC profile.
fn cmyk_to_rgb(cmyk: &[u8]) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(cmyk.len() / 4 * 3);
    for px in cmyk.chunks_exact(4) {
        let k = u32::from(px[3]);
        for &c in &px[..3] {
            rgb.push(((u32::from(c) * k + 127) / 255) as u8);
        }
    }
    rgb
}

fn decode_webp(bytes: &[u8], limits: &Limits, widest: u32) -> Result<Decoded, Rejection> {
    let features = super::webp::features(bytes)?;
    limits.check(features.width, features.height)?;
    limits.check_memory(
        &Decode::Webp {
            width: features.width,
            height: features.height,
            alpha: features.has_alpha,
            lossless: features.lossless,
        },
        widest,
    )?;
    if features.animated {
        return Err(Rejection::Corrupt(
            "animated WebP is not supported".to_owned(),
        ));
    }
    let data = super::webp::decode(bytes, &features)?;
    let (width, height) = (features.width, features.height);
    Ok(Decoded {
        pixels: if features.has_alpha {
            Pixels::Rgba {
                width,
                height,
                data,
            }
        } else {
            Pixels::Rgb(Rgb {
                width,
                height,
                data,
            })
        },
        source_width: width,
        source_height: height,
    })
}

/// The decoded image and its ICC profile (PNG `iCCP`).
fn decode_with_image(
    bytes: &[u8],
    format: image::ImageFormat,
    limits: &Limits,
    widest: u32,
) -> Result<(Decoded, Option<Vec<u8>>), Rejection> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // Width and height are checked by `Limits::check` right after the header (for a precise rejection); the
    // allocation cap stays on as a second line for whatever a decoder allocates besides the pixels.
    let mut image_limits = image::Limits::no_limits();
    image_limits.max_alloc = Some(limits.max_alloc());
    reader.limits(image_limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|err| reject_image_error(err, limits))?;
    let (width, height) = decoder.dimensions();
    limits.check(width, height)?;
    let colour = decoder.color_type();
    let estimate = if format == image::ImageFormat::Gif {
        // The frame we decode (the first) is what gets allocated; every frame must be within the limits.
        let frames = gif_frames(bytes);
        for &(frame_width, frame_height) in &frames {
            limits.check(frame_width, frame_height)?;
        }
        let (frame_width, frame_height) = frames.first().copied().unwrap_or((width, height));
        Decode::Gif {
            screen_width: width,
            screen_height: height,
            frame_width,
            frame_height,
        }
    } else {
        let channels = colour.channel_count();
        Decode::Png {
            width,
            height,
            channels,
            sixteen_bit: colour.bytes_per_pixel() > channels,
        }
    };
    limits.check_memory(&estimate, widest)?;
    let has_alpha = colour.has_alpha();
    let icc = decoder.icc_profile().ok().flatten();
    // For an animated GIF this is the first frame.
    let image =
        DynamicImage::from_decoder(decoder).map_err(|err| reject_image_error(err, limits))?;
    let pixels = if has_alpha {
        let rgba = image.into_rgba8();
        Pixels::Rgba {
            width,
            height,
            data: rgba.into_raw(),
        }
    } else {
        Pixels::Rgb(Rgb {
            width,
            height,
            data: image.into_rgb8().into_raw(),
        })
    };
    let decoded = Decoded {
        pixels,
        source_width: width,
        source_height: height,
    };
    Ok((decoded, icc))
}

fn reject_image_error(err: image::ImageError, limits: &Limits) -> Rejection {
    match err {
        image::ImageError::Limits(limit) => Rejection::Corrupt(format!(
            "{limit} (limits: {} px a side, {} pixels)",
            limits.max_dimension, limits.max_pixels
        )),
        image::ImageError::Unsupported(unsupported) => Rejection::Corrupt(unsupported.to_string()),
        other => corrupt(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrinks_only_while_both_axes_stay_above_the_target() {
        let denom = |w, h, t| shrink_on_load(w, h, &[t]).denom();
        assert_eq!(denom(4000, 3000, (512, 512)), 4); // 1000×750
        assert_eq!(denom(4032, 3024, (512, 512)), 4);
        assert_eq!(denom(1080, 1350, (512, 512)), 2); // 540×675
        assert_eq!(denom(600, 600, (512, 512)), 1);
        assert_eq!(denom(8000, 6000, (512, 512)), 8);
        assert_eq!(denom(6000, 2000, (1500, 500)), 4);
    }

    #[test]
    fn the_largest_of_several_targets_sets_the_shrink() {
        let targets = [(128, 128), (512, 512), (1500, 500)];
        assert_eq!(shrink_on_load(4000, 3000, &targets).denom(), 2);
        assert_eq!(shrink_on_load(4000, 3000, &targets[..2]).denom(), 4);
    }

    #[test]
    fn cmyk_inverted_black_is_black_and_no_ink_is_white() {
        assert_eq!(
            cmyk_to_rgb(&[255, 255, 255, 255, 0, 0, 0, 0]),
            vec![255, 255, 255, 0, 0, 0]
        );
    }
}
