//! Bounds that the generator's rules and a function's settings check alike.

use std::ops::RangeInclusive;

/// The most upload URLs per user and hour a config may allow (`upload.uploads_per_user_per_hour`).
pub const MAX_UPLOADS_PER_USER_PER_HOUR: u32 = 10_000;

/// Originals of one user the resizers decode per hour (`upload.resizes_per_user_per_hour`): a presigned URL takes
/// any number of PUTs until it expires, so this, not the URL budget, bounds one user's decodes.
pub const RESIZES_PER_USER_PER_HOUR: RangeInclusive<u32> = 1..=10_000;

/// A presigned upload URL's lifetime in seconds (`upload.url_ttl_seconds`): long enough for a slow phone
/// upload, at most an hour.
pub const URL_TTL_SECONDS: RangeInclusive<u32> = 10..=3600;

/// The most outputs one image kind may have (`[[images.outputs]]`).
pub const MAX_OUTPUTS_PER_KIND: usize = 5;

/// An output's width and height (a 4096×4096 JPEG is already 16 MP).
pub const OUTPUT_EDGE: RangeInclusive<u32> = 16..=4096;

/// An output's area.
pub const MAX_OUTPUT_PIXELS: u64 = 16_777_216;

/// An output's encoder quality.
pub const OUTPUT_QUALITY: RangeInclusive<u8> = 1..=100;

/// An output suffix's length; its bytes are `a-z`, `0-9`, `_` and `-`.
pub const MAX_SUFFIX_LEN: usize = 16;

/// The largest original a config may accept (`upload.max_bytes`).
pub const UPLOAD_BYTES: RangeInclusive<u64> = 1024..=50 * 1024 * 1024;

/// A source image's area (`avatar.max_pixels`).
pub const SOURCE_PIXELS: RangeInclusive<u64> = 1..=100_000_000;

/// A source image's longest edge (`avatar.max_dimension`).
pub const SOURCE_EDGE: RangeInclusive<u32> = 16..=65_535;

/// How long profile-api waits for the database to answer a new connection (`database.connect_timeout_seconds`):
/// an unreachable database must be a 503 well inside the function's own timeout, never a Lambda timeout.
pub const DATABASE_CONNECT_TIMEOUT_SECONDS: RangeInclusive<u32> = 1..=30;

/// Whether `suffix` may sit between the user id and the extension of an output key.
pub fn is_output_suffix(suffix: &str) -> bool {
    suffix.len() <= MAX_SUFFIX_LEN
        && suffix
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-".contains(&b))
}
