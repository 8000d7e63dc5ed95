//! The typed, validated environment config (`envs/<env>/config.toml`).
//!
//! Parsing happens in two steps: serde (`raw.rs`) refuses unknown keys and wrong types, then `rules.rs` checks
//! every value and reports all problems at once, each with its span.

pub mod diagnostic;
mod issue_code;
pub mod model;
pub mod placeholders;
pub mod raw;
pub mod rules;

pub use diagnostic::{ConfigErrors, ConfigIssue};
pub use issue_code::IssueCode;
pub use model::*;

/// Parses and validates a config file's bytes: anything that is not UTF-8 text (a binary, a file saved in
/// Latin-1 or UTF-16) is an invalid config like any other, located at the first bad byte, whose offset the
/// message gives.
pub fn parse_bytes(path: &str, folder: &str, bytes: &[u8]) -> Result<Config, ConfigErrors> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(path, folder, text),
        Err(err) => {
            let offset = err.valid_up_to();
            // The valid prefix is shown as is; the bad bytes and what follows as U+FFFD, so the caret and the
            // line:column land on the first bad byte.
            let shown = String::from_utf8_lossy(bytes);
            let issue = ConfigIssue {
                code: IssueCode::Encoding,
                message: format!(
                    "the file is not UTF-8 text: byte {offset} (0x{:02x}) is not valid UTF-8",
                    bytes[offset]
                ),
                label: "first invalid byte".to_owned(),
                help: Some(
                    "save the config as UTF-8 (TOML files are UTF-8); a binary file is not a config"
                        .to_owned(),
                ),
                span: offset..offset + char::REPLACEMENT_CHARACTER.len_utf8(),
            };
            Err(ConfigErrors::new(path, &shown, vec![issue]))
        }
    }
}

/// Refuses the example values a deployed stage's config may still carry ([`placeholders`]), each located. A
/// file that does not parse has none to report: [`parse_bytes`] says what is wrong with it.
pub fn check_placeholders(path: &str, bytes: &[u8]) -> Result<(), ConfigErrors> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(());
    };
    match toml::from_str::<raw::RawConfig>(text) {
        Ok(raw) => placeholders::check(path, text, &raw),
        Err(_) => Ok(()),
    }
}

/// Parses and validates the text of a config file. `path` is only used in messages; `folder` is the name of the
/// environment folder the file lives in (its `environment.name` must match).
pub fn parse(path: &str, folder: &str, text: &str) -> Result<Config, ConfigErrors> {
    let raw: raw::RawConfig = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim_end().to_owned();
        let issue = ConfigIssue {
            code: if message.starts_with("unknown field") {
                IssueCode::UnknownKey
            } else if message.starts_with("missing field") {
                IssueCode::MissingKey
            } else if message.starts_with("invalid type") {
                IssueCode::WrongType
            } else {
                IssueCode::Syntax
            },
            label: "here".to_owned(),
            help: Some(
                "see the config reference in README.md for every key, its type and its limits"
                    .to_owned(),
            ),
            message,
            span,
        };
        ConfigErrors::new(path, text, vec![issue])
    })?;
    rules::validate(&raw, folder).map_err(|issues| ConfigErrors::new(path, text, issues))
}
