//! Hard bounds checked against the header before any pixel is decoded, so a decompression bomb or a header that
//! lies about its size costs a few microseconds and no memory.

use super::Rejection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted width or height.
    pub max_dimension: u32,
    /// Largest accepted width × height.
    pub max_pixels: u64,
}

impl Default for Limits {
    /// The generator's defaults: 16384 px a side, 50 MP.
    fn default() -> Self {
        Self {
            max_dimension: 16_384,
            max_pixels: 50_000_000,
        }
    }
}

impl Limits {
    pub fn check(&self, width: u32, height: u32) -> Result<(), Rejection> {
        if width == 0 || height == 0 {
            return Err(Rejection::Corrupt(format!(
                "the header says {width}×{height}"
            )));
        }
        if width > self.max_dimension || height > self.max_dimension {
            return Err(Rejection::DimensionTooLarge {
                width,
                height,
                limit: self.max_dimension,
            });
        }
        let pixels = u64::from(width) * u64::from(height);
        if pixels > self.max_pixels {
            return Err(Rejection::TooManyPixels {
                width,
                height,
                pixels,
                limit: self.max_pixels,
            });
        }
        Ok(())
    }

    /// The most bytes a decoder may allocate for an image within these limits (16-bit RGBA plus slack).
    pub fn max_alloc(&self) -> u64 {
        self.max_pixels.saturating_mul(8).saturating_add(16 << 20)
    }
}
