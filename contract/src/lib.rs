//! The seam between the generator and the Lambdas. A rule that both sides apply lives here once, so the
//! generator cannot accept a config that a function will refuse, or the other way round.
//!
//! - [`ImageType`]: the source formats an upload may have, by MIME type and by name.
//! - [`claims`]: the user a verified token names (`sub`), and which tokens are refused.
//! - [`database`]: the `sslmode` values a database URL may have, and what each one checks.
//! - [`delivery`]: the stable URLs, the versioned immutable copies and the manifest of each image kind.
//! - [`limits`]: bounds both sides check.
//! - [`OutputFormat`]: the formats a kind's outputs are written in.
//! - [`routes`]: the profile routes the generator creates and profile-api serves.
//! - [`settings`]: each function's settings document, which the generator writes and the function reads.
//! - [`memory`]: how many bytes the resizer needs to decode an image, and the budget a function size gives.

pub mod claims;
pub mod database;
pub mod delivery;
pub mod image_type;
pub mod limits;
pub mod logs;
pub mod memory;
pub mod output_format;
pub mod routes;
pub mod settings;

pub use image_type::ImageType;
pub use output_format::OutputFormat;
