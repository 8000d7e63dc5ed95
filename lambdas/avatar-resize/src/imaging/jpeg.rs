//! JPEG decompression through libjpeg-turbo's TurboJPEG 3 API, called directly rather than through the
//! `turbojpeg` crate (still used to encode): TurboJPEG returns -1 after a *warning* as after an error, and the
//! crate turns both into the same `Err`, dropping a fully decoded image. Warnings are what libjpeg reports for
//! damage it recovers from (a truncated scan, stray bytes before a marker, a bad ICC chunk, an inconsistent
//! progression); Chrome decodes with the same library and shows those images, so they are kept here too, with the
//! warning reported to the caller. This and `webp.rs` are the modules allowed `unsafe`; each call says why it is
//! sound.
#![allow(unsafe_code)]

use std::ffi::{c_int, c_void, CStr};
use std::ptr::NonNull;

use turbojpeg_sys as ffi;

/// libjpeg's recoverable-damage messages (its `JWRN_*` table in `jerror.h`, libjpeg-turbo 3.1). After a warning
/// TurboJPEG's error code stays "warning" even if a fatal error follows, but the fatal error's message replaces
/// the warning's: so a failure is only a warning when both the code and the message say so.
const WARNING_MESSAGES: [&str; 6] = [
    "Corrupt JPEG data:",
    "Premature end of JPEG file",
    "Inconsistent progression sequence",
    "Invalid SOS parameters for sequential JPEG",
    "Unknown Adobe color transform code",
    "Warning: unknown JFIF revision number",
];

/// The header as TurboJPEG reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    pub width: u32,
    pub height: u32,
    /// A `TJSAMP_*` value.
    pub subsamp: i32,
    /// A `TJCS_*` value.
    pub colorspace: i32,
    pub progressive: bool,
    /// The embedded ICC profile, reassembled from its APP2 chunks (absent, or unusable chunks: `None`).
    pub icc: Option<Vec<u8>>,
}

impl Header {
    pub(crate) fn is_cmyk(&self) -> bool {
        self.colorspace == ffi::TJCS_TJCS_CMYK as i32
            || self.colorspace == ffi::TJCS_TJCS_YCCK as i32
    }

    /// Samples per pixel × 2 of the component planes libjpeg holds (4:2:0 is 3: one luma + two quarter chroma).
    pub(crate) fn samples_per_pixel_x2(&self) -> u8 {
        if self.is_cmyk() {
            return 8;
        }
        match self.subsamp {
            ffi::TJSAMP_TJSAMP_GRAY => 2,
            ffi::TJSAMP_TJSAMP_420 | ffi::TJSAMP_TJSAMP_411 | ffi::TJSAMP_TJSAMP_441 => 3,
            ffi::TJSAMP_TJSAMP_422 | ffi::TJSAMP_TJSAMP_440 => 4,
            _ => 6,
        }
    }
}

/// The output layouts used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PixelFormat {
    Rgb,
    Cmyk,
}

impl PixelFormat {
    pub(crate) fn bytes(self) -> usize {
        match self {
            PixelFormat::Rgb => 3,
            PixelFormat::Cmyk => 4,
        }
    }

    fn code(self) -> c_int {
        match self {
            PixelFormat::Rgb => ffi::TJPF_TJPF_RGB,
            PixelFormat::Cmyk => ffi::TJPF_TJPF_CMYK,
        }
    }
}

/// One TurboJPEG decompression instance.
pub(crate) struct Decompressor {
    handle: NonNull<c_void>,
    /// Recoverable damage reported so far, in order.
    warnings: Vec<String>,
}

impl Decompressor {
    pub(crate) fn new() -> Result<Self, String> {
        // SAFETY: tj3Init takes an init type by value and returns an owned handle or NULL.
        let raw = unsafe { ffi::tj3Init(ffi::TJINIT_TJINIT_DECOMPRESS as c_int) };
        let handle = NonNull::new(raw).ok_or("TurboJPEG could not start (out of memory?)")?;
        Ok(Decompressor {
            handle,
            warnings: Vec::new(),
        })
    }

    /// The warnings (recoverable damage) the calls so far have met.
    pub(crate) fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Reads the header and the ICC profile; nothing is decoded.
    pub(crate) fn read_header(&mut self, bytes: &[u8]) -> Result<Header, String> {
        // 2: keep APP2 markers, where the ICC profile lives.
        self.set(ffi::TJPARAM_TJPARAM_SAVEMARKERS, 2)?;
        // SAFETY: the handle is live; `bytes` is a live slice passed with its length, read only during the call.
        let status = unsafe {
            ffi::tj3DecompressHeader(self.handle.as_ptr(), bytes.as_ptr(), bytes.len() as _)
        };
        self.check(status)?;
        let width = self.get(ffi::TJPARAM_TJPARAM_JPEGWIDTH);
        let height = self.get(ffi::TJPARAM_TJPARAM_JPEGHEIGHT);
        let (Ok(width), Ok(height)) = (u32::try_from(width), u32::try_from(height)) else {
            return Err(format!(
                "no usable image size in the header ({width}×{height})"
            ));
        };
        Ok(Header {
            width,
            height,
            subsamp: self.get(ffi::TJPARAM_TJPARAM_SUBSAMP),
            colorspace: self.get(ffi::TJPARAM_TJPARAM_COLORSPACE),
            progressive: self.get(ffi::TJPARAM_TJPARAM_PROGRESSIVE) == 1,
            icc: self.icc_profile(),
        })
    }

    /// Decodes at `num/denom` scale into `output`, `width × height` pixels of `format`, rows packed.
    pub(crate) fn decompress(
        &mut self,
        bytes: &[u8],
        (num, denom): (u32, u32),
        max_scans: u32,
        format: PixelFormat,
        output: &mut [u8],
        (width, height): (usize, usize),
    ) -> Result<(), String> {
        let pitch = width * format.bytes();
        if output.len() != pitch * height {
            return Err(format!(
                "output buffer of {} bytes for {width}×{height}",
                output.len()
            ));
        }
        let pitch = c_int::try_from(pitch).map_err(|_| "row too long".to_owned())?;
        self.set(
            ffi::TJPARAM_TJPARAM_SCANLIMIT,
            c_int::try_from(max_scans).unwrap_or(c_int::MAX),
        )?;
        let factor = ffi::tjscalingfactor {
            num: num as c_int,
            denom: denom as c_int,
        };
        // SAFETY: the handle is live; the scaling factor is passed by value.
        let status = unsafe { ffi::tj3SetScalingFactor(self.handle.as_ptr(), factor) };
        self.check(status)?;
        // The scaled size must be what the caller allocated for: TurboJPEG writes `pitch × scaled height` bytes.
        // TJSCALED(): the side times the factor, rounded up.
        let scaled = |side: c_int| {
            (i64::from(side) * i64::from(num) + i64::from(denom) - 1) / i64::from(denom)
        };
        let scaled_width = scaled(self.get(ffi::TJPARAM_TJPARAM_JPEGWIDTH));
        let scaled_height = scaled(self.get(ffi::TJPARAM_TJPARAM_JPEGHEIGHT));
        if (scaled_width, scaled_height) != (width as i64, height as i64) {
            return Err(format!(
                "the scaled image is {scaled_width}×{scaled_height}, not the {width}×{height} allocated"
            ));
        }
        // SAFETY: the handle is live and holds this image's header; `output` is a live, writable buffer of exactly
        // `pitch × height` bytes, checked above against the scaled size TurboJPEG will write; `bytes` is read only.
        let status = unsafe {
            ffi::tj3Decompress8(
                self.handle.as_ptr(),
                bytes.as_ptr(),
                bytes.len() as _,
                output.as_mut_ptr(),
                pitch,
                format.code(),
            )
        };
        self.check(status)
    }

    fn icc_profile(&mut self) -> Option<Vec<u8>> {
        let mut buffer: *mut u8 = std::ptr::null_mut();
        let mut size: ffi::size_t = 0;
        // SAFETY: the handle is live; both out-pointers point to live locals. On success TurboJPEG hands over a
        // buffer of `size` bytes (or NULL), which is copied and then released with tj3Free, as its API requires.
        let status = unsafe { ffi::tj3GetICCProfile(self.handle.as_ptr(), &mut buffer, &mut size) };
        if buffer.is_null() {
            // A damaged profile (a missing or repeated chunk) is a warning of its own: the image is still shown.
            let _ = self.check(status);
            return None;
        }
        // SAFETY: TurboJPEG returned a non-NULL buffer of `size` bytes, valid until freed just below.
        let profile = unsafe { std::slice::from_raw_parts(buffer, size as usize) }.to_vec();
        // SAFETY: `buffer` came from TurboJPEG and is freed once.
        unsafe { ffi::tj3Free(buffer.cast()) };
        (status == 0).then_some(profile)
    }

    fn set(&mut self, param: ffi::TJPARAM, value: c_int) -> Result<(), String> {
        // SAFETY: the handle is live; parameters are plain integers.
        let status = unsafe { ffi::tj3Set(self.handle.as_ptr(), param as c_int, value) };
        if status == 0 {
            Ok(())
        } else {
            Err(self.message())
        }
    }

    fn get(&mut self, param: ffi::TJPARAM) -> c_int {
        // SAFETY: the handle is live; reading a parameter has no other effect.
        unsafe { ffi::tj3Get(self.handle.as_ptr(), param as c_int) }
    }

    /// `Ok` for success or a warning (recorded), `Err` with TurboJPEG's message for anything fatal.
    fn check(&mut self, status: c_int) -> Result<(), String> {
        if status == 0 {
            return Ok(());
        }
        let message = self.message();
        // SAFETY: the handle is live.
        let code = unsafe { ffi::tj3GetErrorCode(self.handle.as_ptr()) };
        let recoverable = code == ffi::TJERR_TJERR_WARNING as c_int
            && WARNING_MESSAGES.iter().any(|w| message.starts_with(w));
        if recoverable {
            if !self.warnings.contains(&message) {
                self.warnings.push(message);
            }
            Ok(())
        } else {
            Err(message)
        }
    }

    fn message(&mut self) -> String {
        // SAFETY: the handle is live; TurboJPEG returns a NUL-terminated string it owns, copied at once.
        let text = unsafe { CStr::from_ptr(ffi::tj3GetErrorStr(self.handle.as_ptr())) };
        text.to_string_lossy().into_owned()
    }
}

impl Drop for Decompressor {
    fn drop(&mut self) {
        // SAFETY: the handle came from tj3Init and is destroyed once, here.
        unsafe { ffi::tj3Destroy(self.handle.as_ptr()) };
    }
}
