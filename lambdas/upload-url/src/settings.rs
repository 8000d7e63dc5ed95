//! Configuration, read once at cold start from the variables the generator emits; every problem is reported at
//! once, by variable name, and the function does not start.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub uploads_bucket: String,
    /// `avatars/original/`; the key is `<prefix><sub>`.
    pub originals_prefix: String,
    /// MIME types a client may declare, e.g. `image/jpeg`.
    pub allowed_content_types: Vec<String>,
    pub max_upload_bytes: u64,
    pub url_ttl: Duration,
    /// Public base URL of processed avatars, without a trailing slash (`https://cdn.example/avatars`).
    pub avatar_base_url: String,
    /// Extension of processed avatars (`jpg`).
    pub avatar_extension: String,
    /// The per-user budget; `None` only where no table exists (unit tests). The generator always sets it.
    pub quota: Option<crate::quota::QuotaSettings>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: {}", .problems.join("; "))]
pub struct SettingsError {
    pub problems: Vec<String>,
}

/// The longest presigned URL lifetime accepted (the contract: default 300 s, at most an hour).
pub const MAX_TTL_SECONDS: u64 = 3600;

impl Settings {
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let mut problems = Vec::new();
        let mut required = |name: &str| match lookup(name).filter(|v| !v.trim().is_empty()) {
            Some(value) => Some(value),
            None => {
                problems.push(format!("{name} is not set"));
                None
            }
        };
        let uploads_bucket = required("UPLOADS_BUCKET");
        let originals_prefix = required("ORIGINALS_PREFIX");
        let allowed = required("ALLOWED_CONTENT_TYPES");
        let max_bytes = required("MAX_UPLOAD_BYTES");
        let ttl = required("URL_TTL_SECONDS");
        let avatar_base_url = required("AVATAR_BASE_URL");
        let avatar_extension = required("AVATAR_EXTENSION");
        let quota_table = required("UPLOAD_QUOTA_TABLE");
        let per_hour = required("UPLOADS_PER_USER_PER_HOUR");

        let max_upload_bytes = max_bytes.and_then(|v| match v.trim().parse::<u64>() {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                problems.push(format!(
                    "MAX_UPLOAD_BYTES is {v:?}; allowed: a positive integer"
                ));
                None
            }
        });
        let url_ttl = ttl.and_then(|v| match v.trim().parse::<u64>() {
            Ok(n) if (1..=MAX_TTL_SECONDS).contains(&n) => Some(Duration::from_secs(n)),
            _ => {
                problems.push(format!(
                    "URL_TTL_SECONDS is {v:?}; allowed: 1..={MAX_TTL_SECONDS}"
                ));
                None
            }
        });
        let allowed_content_types = allowed.and_then(|v| {
            let types: Vec<String> = v.split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
            match types.iter().find(|t| crate::request::extension_for(t).is_none()) {
                Some(unknown) => {
                    problems.push(format!(
                        "ALLOWED_CONTENT_TYPES has {unknown:?}; allowed: image/jpeg, image/png, image/webp, image/gif"
                    ));
                    None
                }
                None if types.is_empty() => {
                    problems.push("ALLOWED_CONTENT_TYPES is empty".to_owned());
                    None
                }
                None => Some(types),
            }
        });
        let per_hour = per_hour.and_then(|v| match v.trim().parse::<u32>() {
            Ok(n) if (1..=crate::quota::MAX_PER_HOUR).contains(&n) => Some(n),
            _ => {
                problems.push(format!(
                    "UPLOADS_PER_USER_PER_HOUR is {v:?}; allowed: 1..={}",
                    crate::quota::MAX_PER_HOUR
                ));
                None
            }
        });
        if let Some(prefix) = originals_prefix.as_deref().filter(|p| !p.ends_with('/')) {
            problems.push(format!(
                "ORIGINALS_PREFIX is {prefix:?}; it must end with '/'"
            ));
        }
        if let Some(url) = avatar_base_url
            .as_deref()
            .filter(|u| !u.starts_with("https://") && !u.starts_with("http://"))
        {
            problems.push(format!(
                "AVATAR_BASE_URL is {url:?}; it must be an http(s) URL"
            ));
        }
        match (
            uploads_bucket,
            originals_prefix,
            allowed_content_types,
            max_upload_bytes,
            url_ttl,
            avatar_base_url,
            avatar_extension,
            quota_table,
            per_hour,
        ) {
            (
                Some(b),
                Some(p),
                Some(t),
                Some(m),
                Some(ttl),
                Some(url),
                Some(ext),
                Some(table),
                Some(per_hour),
            ) if problems.is_empty() => Ok(Settings {
                uploads_bucket: b,
                originals_prefix: p,
                allowed_content_types: t,
                max_upload_bytes: m,
                url_ttl: ttl,
                avatar_base_url: url.trim_end_matches('/').to_owned(),
                avatar_extension: ext,
                quota: Some(crate::quota::QuotaSettings { table, per_hour }),
            }),
            _ => Err(SettingsError { problems }),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn generated() -> HashMap<&'static str, &'static str> {
        HashMap::from([
            ("ALLOWED_CONTENT_TYPES", "image/jpeg,image/png,image/webp"),
            (
                "AVATAR_BASE_URL",
                "https://d111111abcdef8.cloudfront.net/avatars",
            ),
            ("AVATAR_EXTENSION", "jpg"),
            ("MAX_UPLOAD_BYTES", "5242880"),
            ("ORIGINALS_PREFIX", "avatars/original/"),
            ("UPLOADS_BUCKET", "cruddur-dev-avatar-uploads"),
            ("URL_TTL_SECONDS", "300"),
            ("UPLOAD_QUOTA_TABLE", "cruddur-dev-upload-quota"),
            ("UPLOADS_PER_USER_PER_HOUR", "30"),
        ])
    }

    fn read(vars: &HashMap<&str, &str>) -> Result<Settings, SettingsError> {
        Settings::from_lookup(|name| vars.get(name).map(|v| (*v).to_owned()))
    }

    #[test]
    fn reads_what_the_generator_emits() {
        let settings = read(&generated()).unwrap();
        assert_eq!(
            settings.allowed_content_types,
            ["image/jpeg", "image/png", "image/webp"]
        );
        assert_eq!(settings.url_ttl, Duration::from_secs(300));
        assert_eq!(
            settings.quota,
            Some(crate::quota::QuotaSettings {
                table: "cruddur-dev-upload-quota".to_owned(),
                per_hour: 30
            })
        );
    }

    #[test]
    fn reports_every_bad_variable_by_name() {
        let mut vars = generated();
        vars.remove("UPLOADS_BUCKET");
        vars.insert("URL_TTL_SECONDS", "7200");
        vars.insert("ALLOWED_CONTENT_TYPES", "image/jpeg,text/html");
        vars.insert("MAX_UPLOAD_BYTES", "-1");
        let err = read(&vars).unwrap_err();
        assert_eq!(err.problems.len(), 4, "{err}");
        for name in [
            "UPLOADS_BUCKET",
            "URL_TTL_SECONDS",
            "ALLOWED_CONTENT_TYPES",
            "MAX_UPLOAD_BYTES",
        ] {
            assert!(err.to_string().contains(name), "{err}");
        }
    }
}
