//! Encoding. JPEG goes through libjpeg-turbo with optimised Huffman tables and 4:2:0 chroma, as sharp does by
//! default; no metadata is written, so EXIF (GPS, camera serials) never reaches the public avatar.

use turbojpeg::{Compressor, Image, PixelFormat, Subsamp};

use super::{OutputFormat, OutputSpec, Rejection, Rgb};

pub(crate) fn encode(image: &Rgb, spec: &OutputSpec) -> Result<Vec<u8>, Rejection> {
    match spec.format {
        OutputFormat::Jpeg => encode_jpeg(image, spec.quality),
        OutputFormat::Webp => encode_webp(image, spec.quality),
    }
}

fn failed(err: impl std::fmt::Display) -> Rejection {
    Rejection::Encode(err.to_string())
}

fn encode_jpeg(image: &Rgb, quality: u8) -> Result<Vec<u8>, Rejection> {
    let mut compressor = Compressor::new().map_err(failed)?;
    compressor.set_quality(i32::from(quality)).map_err(failed)?;
    compressor.set_subsamp(Subsamp::Sub2x2).map_err(failed)?;
    compressor.set_optimize(true).map_err(failed)?;
    let view = Image {
        pixels: &image.data[..],
        width: image.width as usize,
        pitch: image.width as usize * 3,
        height: image.height as usize,
        format: PixelFormat::RGB,
    };
    compressor.compress_to_vec(view).map_err(failed)
}

fn encode_webp(image: &Rgb, quality: u8) -> Result<Vec<u8>, Rejection> {
    super::webp::encode_rgb(&image.data, image.width, image.height, quality)
}
