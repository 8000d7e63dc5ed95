//! avatar-pipeline's generator: a typed, per-environment config in, a Terraform root out.
//!
//! The library is pure: [`config::parse`] turns text into a validated [`config::Config`], and [`generate`] turns
//! that into the files of the environment's root. Reading and writing files, formatting with `terraform fmt` and
//! asking AWS who we are all live in the binary.

pub mod account;
pub mod config;
pub mod cors;
pub mod docs;
pub mod output;
pub mod plan;
pub mod stack;
pub mod tf;

pub use output::{generate, GeneratedFile};
