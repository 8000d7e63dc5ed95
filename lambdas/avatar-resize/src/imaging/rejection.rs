//! Why an input was refused. Each variant has a short stable code, used in log lines and in the
//! `avatar-reason` tag that is put on a rejected original.

use super::{SourceFormat, SourceFormats};

/// A permanent failure: the bytes themselves are unusable, so a retry would fail the same way.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes, above the limit of {limit}")]
    TooLarge { size: u64, limit: u64 },
    #[error("not a JPEG, PNG, WebP or GIF image")]
    UnsupportedFormat,
    #[error("{width}×{height} exceeds the maximum dimension of {limit} pixels")]
    DimensionTooLarge { width: u32, height: u32, limit: u32 },
    #[error("{width}×{height} is {pixels} pixels, above the limit of {limit}")]
    TooManyPixels {
        width: u32,
        height: u32,
        pixels: u64,
        limit: u64,
    },
    #[error("the object's Content-Type {content_type:?} is not an allowed type for this image (allowed: {})", pipeline_contract::ImageType::join(&.allowed.to_vec()))]
    ContentTypeNotAllowed {
        content_type: String,
        allowed: SourceFormats,
    },
    #[error("{} is not an allowed format for this image (allowed: {})", .format.name(), pipeline_contract::ImageType::join(&.allowed.to_vec()))]
    FormatNotAllowed {
        format: SourceFormat,
        allowed: SourceFormats,
    },
    #[error("decoding would need about {} MiB, above this function's budget of {} MiB", .needed >> 20, .budget >> 20)]
    OverMemoryBudget { needed: u64, budget: u64 },
    #[error("the image could not be decoded: {0}")]
    Corrupt(String),
    #[error("the image could not be encoded: {0}")]
    Encode(String),
}

impl Rejection {
    /// A short, stable code (also valid as an S3 tag value).
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::Empty => "empty",
            Rejection::TooLarge { .. } => "too-large",
            Rejection::UnsupportedFormat => "unsupported-format",
            Rejection::DimensionTooLarge { .. } => "dimension-too-large",
            Rejection::TooManyPixels { .. } => "too-many-pixels",
            Rejection::ContentTypeNotAllowed { .. } => "type-not-allowed",
            Rejection::FormatNotAllowed { .. } => "format-not-allowed",
            Rejection::OverMemoryBudget { .. } => "over-memory-budget",
            Rejection::Corrupt(_) => "corrupt",
            Rejection::Encode(_) => "encode-failed",
        }
    }
}
