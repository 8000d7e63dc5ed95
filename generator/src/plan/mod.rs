//! `generator plan-summary`: a pull-request comment from `terraform show -json <planfile>`.
//!
//! [`json`] reads the plan, [`summary`] decides what a reviewer must see (counts, changed attributes without
//! sensitive values, destroys of stateful resources), [`markdown`] renders it with tera.

pub mod json;
pub mod markdown;
pub mod summary;

pub use json::Plan;
pub use summary::{Action, Hazard, Summary};
