//! Hard bounds checked against the header before any pixel is decoded, so a decompression bomb or a header that
//! lies about its size costs a few microseconds and no memory: the sides, the pixel count, the format allowed for
//! the kind, and the memory the decode would need against what the function has.

use pipeline_contract::memory::Decode;

use super::{Rejection, SourceFormat, SourceFormats};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted width or height.
    pub max_dimension: u32,
    /// Largest accepted width × height.
    pub max_pixels: u64,
    /// The source formats the kind accepts (the sniffed format, never the client's claim).
    pub allowed: SourceFormats,
    /// Bytes one decode may take ([`pipeline_contract::memory::decode_budget`] of the function's memory);
    /// `None`: no memory check (the local CLI without `--memory-mb`).
    pub memory_budget: Option<u64>,
}

impl Default for Limits {
    /// The generator's defaults: 16384 px a side, 50 MP, every format, no memory budget.
    fn default() -> Self {
        Self {
            max_dimension: 16_384,
            max_pixels: 50_000_000,
            allowed: SourceFormats::ALL,
            memory_budget: None,
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

    pub fn check_format(&self, format: SourceFormat) -> Result<(), Rejection> {
        if self.allowed.contains(format) {
            Ok(())
        } else {
            Err(Rejection::FormatNotAllowed {
                format,
                allowed: self.allowed,
            })
        }
    }

    /// Refuses a decode whose estimated peak (outputs up to `widest_output` wide) is over the budget.
    pub fn check_memory(&self, decode: &Decode, widest_output: u32) -> Result<(), Rejection> {
        let needed = decode.bytes(widest_output);
        match self.memory_budget {
            Some(budget) if needed > budget => Err(Rejection::OverMemoryBudget { needed, budget }),
            _ => Ok(()),
        }
    }

    /// The most bytes a decoder may allocate for an image within these limits (16-bit RGBA plus slack).
    pub fn max_alloc(&self) -> u64 {
        self.max_pixels.saturating_mul(8).saturating_add(16 << 20)
    }
}
