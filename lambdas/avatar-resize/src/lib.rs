//! The avatar resizer: an S3 event for a new original in the uploads bucket becomes a small square image in the
//! assets bucket.
//!
//! - [`imaging`]: the pure pipeline (bytes → bytes), shared by the Lambda and the `avatar-resize-local` CLI.
//! - [`settings`]: configuration from the environment variables that the generator emits.
//! - [`event`]: S3 event records with decoded keys.
//! - [`handler`]: the S3 and CloudFront plumbing around the pipeline.

pub mod event;
pub mod handler;
pub mod imaging;
pub mod settings;
