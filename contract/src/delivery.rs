//! How processed images are delivered, for every image kind:
//!
//! - the **stable URL** of each output, `<output prefix><sub><suffix>.<ext>` (what the reference frontend shows),
//!   rewritten by each upload and served with the kind's short `cache_control` (60 s by default);
//! - the **versioned copies**, `<output prefix><sub>/<version>/<w>x<h>.<ext>`, written once per upload and never
//!   changed, so they are served as immutable for a year;
//! - the **manifest**, `<output prefix><sub>.json` (stable, short-lived like the stable URLs): the newest version's
//!   copies with their sizes, for `srcset`.
//!
//! The resizer writes all three; clients and the profile endpoint read the manifest.

use serde::{Deserialize, Serialize};

/// The versioned copies' `Cache-Control`: their bytes never change under a key.
pub const IMMUTABLE_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// The tag the resizer puts on a version's copies once a newer version's manifest replaced it; the assets bucket's
/// lifecycle rule expires tagged objects after [`SUPERSEDED_COPIES_KEPT_DAYS`].
pub const SUPERSEDED_TAG: (&str, &str) = ("avatar-version", "superseded");

/// How long a superseded version's copies stay reachable (a page loaded before the change keeps working).
pub const SUPERSEDED_COPIES_KEPT_DAYS: u32 = 7;

/// The manifest's `Content-Type`.
pub const MANIFEST_CONTENT_TYPE: &str = "application/json";

/// Hex digits of a version: enough that two uploads of one user never share one (64 bits).
const VERSION_DIGITS: usize = 16;

/// The version of the outputs made from one original: the first 16 hex digits of its S3 ETag (the MD5 of a single
/// PUT's bytes), lowercase, so a repeated or retried event writes the same keys and other bytes get other keys.
/// `None` when `etag` has fewer than 16 hex digits.
pub fn version_of(etag: &str) -> Option<String> {
    let digits: String = etag
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(VERSION_DIGITS)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (digits.len() == VERSION_DIGITS).then_some(digits)
}

/// `<output prefix><sub><suffix>.<ext>`: an output's stable key (the main output's suffix is empty).
pub fn stable_key(output_prefix: &str, sub: &str, suffix: &str, extension: &str) -> String {
    format!("{output_prefix}{sub}{suffix}.{extension}")
}

/// `<output prefix><sub>/<version>/<w>x<h>.<ext>`.
pub fn versioned_key(
    output_prefix: &str,
    sub: &str,
    version: &str,
    width: u32,
    height: u32,
    extension: &str,
) -> String {
    format!("{output_prefix}{sub}/{version}/{width}x{height}.{extension}")
}

/// `<output prefix><sub>.json`.
pub fn manifest_key(output_prefix: &str, sub: &str) -> String {
    format!("{output_prefix}{sub}.json")
}

/// What the manifest says: the newest version of a user's image of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// `avatar`, `banner`, …
    pub kind: String,
    pub version: String,
    /// Every output of the kind, the main one first; each key is a versioned copy, relative to the CDN's root.
    pub images: Vec<ManifestImage>,
    /// A tiny preview to show while the image loads: a `data:image/webp;base64,…` URI of at most
    /// [`MAX_PLACEHOLDER_BYTES`] (the main output, 16 pixels on its longer side). Absent in manifests written before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
}

/// The most a manifest's placeholder may take, as a `data:` URI.
pub const MAX_PLACEHOLDER_BYTES: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestImage {
    pub key: String,
    pub width: u32,
    pub height: u32,
    pub content_type: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_is_the_etags_first_16_hex_digits() {
        assert_eq!(
            version_of("\"9B2CF535F27731C974343645A3985328\"").as_deref(),
            Some("9b2cf535f27731c9")
        );
        // A multipart ETag (`<md5 of part md5s>-<parts>`) still has its 32 digits first.
        assert_eq!(
            version_of("d41d8cd98f00b204e9800998ecf8427e-3").as_deref(),
            Some("d41d8cd98f00b204")
        );
        assert_eq!(version_of("short"), None);
        assert_eq!(version_of(""), None);
    }

    #[test]
    fn keys_follow_the_scheme() {
        assert_eq!(
            versioned_key("avatars/", "user-1", "0123456789abcdef", 512, 512, "jpg"),
            "avatars/user-1/0123456789abcdef/512x512.jpg"
        );
        assert_eq!(manifest_key("banners/", "user-1"), "banners/user-1.json");
    }
}
