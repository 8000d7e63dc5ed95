//! Bounds that the generator's rules and a function's settings check alike.

/// The most upload URLs per user and hour a config may allow (`upload.uploads_per_user_per_hour`).
pub const MAX_UPLOADS_PER_USER_PER_HOUR: u32 = 10_000;
