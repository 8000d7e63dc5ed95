//! Each function's settings: one JSON document in the function's [`VARIABLE`] environment variable. The
//! generator builds the typed value from the config and writes it as `jsonencode({...})`, with the few fields only
//! Terraform knows (a module's output) as references; the function reads it once at cold start with [`from_env`]
//! and refuses to start, in one log line, if any field is missing, unknown or out of the contract's bounds.
//!
//! - [`ResizerSettings`]: a kind's resizer (`avatar-resize`).
//! - [`UploadUrlSettings`]: a kind's presigned-upload endpoint (`upload-url`).
//! - [`ProfileApiSettings`]: the profile endpoints (`profile-api`).
//! - [`ApiCaller`]: in both API functions' settings, the account and HTTP API whose events they take.

mod api_caller;
mod profile_api;
mod resizer;
mod upload_url;

pub use api_caller::ApiCaller;
pub use profile_api::{ProfileApiSettings, ProfileImageOutput, ProfileImageSettings};
pub use resizer::{parse_hex_colour, OutputSettings, ResizerSettings};
pub use upload_url::UploadUrlSettings;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The environment variable that holds a function's settings.
pub const VARIABLE: &str = "SETTINGS";

/// A function's settings document: its wire form is serde's, its rules are [`FunctionSettings::problems`].
pub trait FunctionSettings: Serialize + DeserializeOwned {
    /// Every rule the value breaks, each naming its field; empty when the value is usable.
    fn problems(&self) -> Vec<String>;
}

/// Why a function's settings were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("{VARIABLE} is not set; the generator writes it into every function's environment")]
    Missing,
    #[error("{VARIABLE} is not the settings document this function reads: {0}")]
    Malformed(String),
    #[error("{VARIABLE} breaks the contract: {}", .0.join("; "))]
    Invalid(Vec<String>),
}

/// Parses and checks a settings document.
pub fn parse<T: FunctionSettings>(json: &str) -> Result<T, SettingsError> {
    let settings: T =
        serde_json::from_str(json).map_err(|err| SettingsError::Malformed(err.to_string()))?;
    match settings.problems() {
        problems if problems.is_empty() => Ok(settings),
        problems => Err(SettingsError::Invalid(problems)),
    }
}

/// Reads the settings through `lookup` (the process environment in a function, the applied state's variables
/// in the local cloud).
pub fn from_lookup<T: FunctionSettings>(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<T, SettingsError> {
    match lookup(VARIABLE) {
        Some(json) if !json.trim().is_empty() => parse(&json),
        _ => Err(SettingsError::Missing),
    }
}

/// Reads the settings from the process environment.
pub fn from_env<T: FunctionSettings>() -> Result<T, SettingsError> {
    from_lookup(|name| std::env::var(name).ok())
}

/// `problems` entry when `value` is outside `range`.
fn check_range<T: PartialOrd + std::fmt::Display>(
    problems: &mut Vec<String>,
    field: &str,
    value: T,
    range: std::ops::RangeInclusive<T>,
) {
    if !range.contains(&value) {
        problems.push(format!(
            "{field} is {value}; allowed: {}..={}",
            range.start(),
            range.end()
        ));
    }
}

/// `problems` entry when a key prefix does not end with `/` (or is empty).
fn check_prefix(problems: &mut Vec<String>, field: &str, prefix: &str) {
    if !prefix.ends_with('/') || prefix.starts_with('/') {
        problems.push(format!(
            "{field} is {prefix:?}; allowed: a key prefix ending with '/'"
        ));
    }
}

/// `problems` entry when a list of source types is empty.
fn check_types(problems: &mut Vec<String>, field: &str, types: &[crate::ImageType]) {
    if types.is_empty() {
        problems.push(format!(
            "{field} is empty; allowed: some of {}",
            crate::ImageType::join(&crate::ImageType::ALL)
        ));
    }
}

/// `problems` entry when a required string is empty.
fn check_set(problems: &mut Vec<String>, field: &str, value: &str) {
    if value.trim().is_empty() {
        problems.push(format!("{field} is empty"));
    }
}
