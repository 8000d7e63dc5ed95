//! WebP through libwebp 1.6 (vendored by `libwebp-sys` 0.14, so well past the CVE-2023-4863 fix in 1.3.2): its
//! SIMD decoder is about 5× faster than the pure-Rust one, and its lossy encoder is the only real one.
//! This is the one module allowed to use `unsafe`; each call states why it is sound.
#![allow(unsafe_code)]

use std::ffi::c_int;

use libwebp_sys as ffi;

use super::Rejection;

/// Width, height and whether there is an alpha channel, read from the bitstream header only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Features {
    pub width: u32,
    pub height: u32,
    pub has_alpha: bool,
    pub animated: bool,
    /// VP8L (libwebp then holds an ARGB copy of the whole image).
    pub lossless: bool,
}

pub(crate) fn features(bytes: &[u8]) -> Result<Features, Rejection> {
    let mut features = ffi::WebPBitstreamFeatures {
        width: 0,
        height: 0,
        has_alpha: 0,
        has_animation: 0,
        format: 0,
        pad: [0; 5],
    };
    // SAFETY: `bytes` is a live slice and its length is passed with it; `features` is a valid, writable struct
    // of the type libwebp expects, and libwebp keeps no pointer to either after returning.
    let status = unsafe { ffi::WebPGetFeatures(bytes.as_ptr(), bytes.len(), &mut features) };
    if status != ffi::VP8StatusCode::VP8_STATUS_OK {
        return Err(Rejection::Corrupt(format!("WebP header: {status:?}")));
    }
    Ok(Features {
        width: u32::try_from(features.width)
            .map_err(|_| Rejection::Corrupt("WebP width".to_owned()))?,
        height: u32::try_from(features.height)
            .map_err(|_| Rejection::Corrupt("WebP height".to_owned()))?,
        has_alpha: features.has_alpha != 0,
        animated: features.has_animation != 0,
        // 0: mixed or undefined (an animation), 1: lossy, 2: lossless; count anything but lossy as lossless.
        lossless: features.format != 1,
    })
}

/// Decodes into a buffer of exactly width × height × (3 or 4) bytes that we allocate (so the size is the one
/// our limits checked, whatever the bitstream claims later).
pub(crate) fn decode(bytes: &[u8], features: &Features) -> Result<Vec<u8>, Rejection> {
    let channels = if features.has_alpha { 4 } else { 3 };
    let stride = features.width as usize * channels;
    let stride_c =
        c_int::try_from(stride).map_err(|_| Rejection::Corrupt("WebP row too wide".to_owned()))?;
    let mut pixels = vec![0u8; stride * features.height as usize];
    // SAFETY: input is a live slice with its true length; output is our own buffer of `pixels.len()` bytes,
    // passed with that size and a stride that fits it. libwebp writes only inside that buffer (it checks the
    // size against the stride and the bitstream's dimensions, and fails instead of overflowing) and keeps no
    // pointer after returning.
    let written = unsafe {
        if features.has_alpha {
            ffi::WebPDecodeRGBAInto(
                bytes.as_ptr(),
                bytes.len(),
                pixels.as_mut_ptr(),
                pixels.len(),
                stride_c,
            )
        } else {
            ffi::WebPDecodeRGBInto(
                bytes.as_ptr(),
                bytes.len(),
                pixels.as_mut_ptr(),
                pixels.len(),
                stride_c,
            )
        }
    };
    if written.is_null() {
        return Err(Rejection::Corrupt(
            "WebP bitstream could not be decoded".to_owned(),
        ));
    }
    Ok(pixels)
}

/// Lossy WebP at `quality` (1..=100) from tightly packed RGB.
pub(crate) fn encode_rgb(
    rgb: &[u8],
    width: u32,
    height: u32,
    quality: u8,
) -> Result<Vec<u8>, Rejection> {
    let failed = || Rejection::Encode("libwebp could not encode the image".to_owned());
    let (w, h) = (
        c_int::try_from(width).map_err(|_| failed())?,
        c_int::try_from(height).map_err(|_| failed())?,
    );
    let stride = w.checked_mul(3).ok_or_else(failed)?;
    if rgb.len() < width as usize * height as usize * 3 {
        return Err(failed());
    }
    let mut output: *mut u8 = std::ptr::null_mut();
    // SAFETY: `rgb` holds at least height rows of `stride` bytes (checked above). libwebp allocates the output
    // and stores its address in `output`, which we copy and then release with WebPFree, its own deallocator.
    unsafe {
        let size = ffi::WebPEncodeRGB(rgb.as_ptr(), w, h, stride, f32::from(quality), &mut output);
        if output.is_null() {
            return Err(failed());
        }
        let bytes = if size == 0 {
            None
        } else {
            Some(std::slice::from_raw_parts(output, size).to_vec())
        };
        ffi::WebPFree(output.cast());
        bytes.ok_or_else(failed)
    }
}
