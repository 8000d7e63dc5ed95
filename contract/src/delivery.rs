//! How processed images are delivered, for every image kind:
//!
//! - the **stable URL** of each output, `<output prefix><sub><suffix>.<ext>` (what the reference frontend shows),
//!   rewritten by each upload and served with the kind's short `cache_control` (60 s by default);
//! - the **versioned copies**, `<output prefix><sub>/<version>/<w>x<h>.<ext>`, written once per upload and never
//!   changed, so they are served as immutable for a year;
//! - the **manifest**, `<output prefix><sub>.json` (stable, short-lived like the stable URLs): the newest version's
//!   copies with their sizes, for `srcset`.
//!
//! - the **alternates**: each JPEG output (stable and versioned) again in every format of the kind's
//!   `alternate_formats`, under the same name with that format's extension; the CDN's viewer-request function serves
//!   one of them instead of the JPEG when the request's `Accept` names its type ([`negotiation_rule`]), so the
//!   JPEG URLs the clients hold stay the only URLs.
//!
//! The resizer writes all of them; clients and the profile endpoint read the manifest.

use serde::{Deserialize, Serialize};

use crate::settings::OutputSettings;
use crate::OutputFormat;

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
    /// The same image in the kind's alternate formats (for a `<picture>`'s `<source type>`); the CDN also serves
    /// them at `key` by `Accept`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternates: Vec<ManifestAlternate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestAlternate {
    pub key: String,
    pub content_type: String,
}

/// Quality points a WebP alternate gets above its JPEG's setting, so that it looks as good on average: against JPEG
/// q80 on the five corpus images (`make bench`), WebP q80 saves 25% of the bytes at a mean luma SSIM 0.006 lower;
/// q83 has the higher mean SSIM (0.9652 against 0.9639) and still saves 14%. (The quality at which each image's
/// WebP reaches its JPEG's SSIM ranges from 77 to 86: a per-image search would cost several encodes per output.)
pub const WEBP_QUALITY_OFFSET: u8 = 3;

/// The quality an alternate in `format` is encoded at, for an output of `quality`.
pub fn alternate_quality(format: OutputFormat, quality: u8) -> u8 {
    match format {
        OutputFormat::Webp => quality.saturating_add(WEBP_QUALITY_OFFSET).min(100),
        OutputFormat::Jpeg => quality,
    }
}

/// The formats an output of `format` is also written in: the kind's alternates for a JPEG output, none for others
/// (a WebP output is already what a WebP alternate would be).
pub fn alternates_of(format: OutputFormat, alternates: &[OutputFormat]) -> &[OutputFormat] {
    if format == OutputFormat::Jpeg {
        alternates
    } else {
        &[]
    }
}

/// What the CDN's viewer-request function does for one kind: a request whose path starts with `prefix` and ends
/// with `from` is answered from the same path ending with the first of `to` whose media type the request's
/// `Accept` names with a non-zero q (`image/*` and `*/*` do not count: browsers without WebP send them). The cache
/// key is that rewritten path, never the raw header, so each format is one cached object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NegotiationRule {
    /// `/avatars/`: the kind's output prefix as a URL path.
    pub prefix: String,
    /// `.jpg`.
    pub from: String,
    /// In order of preference.
    pub to: Vec<NegotiatedFormat>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NegotiatedFormat {
    /// `.webp`.
    pub extension: String,
    /// `image/webp`.
    pub media_type: String,
}

/// The kind's rule, or `None` when it has no alternates or no JPEG output.
pub fn negotiation_rule(
    output_prefix: &str,
    outputs: &[OutputSettings],
    alternates: &[OutputFormat],
) -> Option<NegotiationRule> {
    let to: Vec<NegotiatedFormat> = alternates
        .iter()
        .filter(|&&format| format != OutputFormat::Jpeg)
        .map(|format| NegotiatedFormat {
            extension: format!(".{}", format.extension()),
            media_type: format.content_type().to_owned(),
        })
        .collect();
    let has_jpeg = outputs.iter().any(|o| o.format == OutputFormat::Jpeg);
    (has_jpeg && !to.is_empty()).then(|| NegotiationRule {
        prefix: format!("/{output_prefix}"),
        from: format!(".{}", OutputFormat::Jpeg.extension()),
        to,
    })
}

/// What is wrong with a kind's `alternates` given its outputs: a JPEG alternate, a repeated one, or an alternate
/// whose stable or versioned key is another output's.
pub fn alternate_clashes(outputs: &[OutputSettings], alternates: &[OutputFormat]) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, format) in alternates.iter().enumerate() {
        if *format == OutputFormat::Jpeg {
            problems.push(format!(
                "alternate_formats[{i}] is jpeg; allowed: other formats (the outputs they stand in for are JPEG)"
            ));
        }
        if alternates[..i].contains(format) {
            problems.push(format!(
                "alternate_formats[{i}] ({}) appears twice",
                format.name()
            ));
        }
    }
    let files = |o: &OutputSettings, format: OutputFormat| {
        (
            format!("{}.{}", o.suffix, format.extension()),
            format!("{}x{}.{}", o.width, o.height, format.extension()),
        )
    };
    for (i, output) in outputs.iter().enumerate() {
        let mut seen = Vec::new();
        for &alternate in alternates_of(output.format, alternates) {
            // A JPEG or repeated alternate is reported above.
            if alternate == OutputFormat::Jpeg || seen.contains(&alternate) {
                continue;
            }
            seen.push(alternate);
            let (stable, versioned) = files(output, alternate);
            if let Some(j) = outputs.iter().position(|other| {
                let (s, v) = files(other, other.format);
                s == stable || v == versioned
            }) {
                problems.push(format!(
                    "outputs[{i}]'s {} alternate would share a key with outputs[{j}]; allowed: alternates whose \
                     suffix and size no {} output has",
                    alternate.name(),
                    alternate.name()
                ));
            }
        }
    }
    problems
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

    fn output(width: u32, format: OutputFormat, suffix: &str) -> OutputSettings {
        OutputSettings {
            width,
            height: width,
            format,
            quality: 80,
            suffix: suffix.to_owned(),
        }
    }

    #[test]
    fn a_kind_with_jpeg_outputs_and_alternates_has_a_rule() {
        let outputs = [output(512, OutputFormat::Jpeg, "")];
        let rule = negotiation_rule("avatars/", &outputs, &[OutputFormat::Webp]);
        assert_eq!(
            rule,
            Some(NegotiationRule {
                prefix: "/avatars/".to_owned(),
                from: ".jpg".to_owned(),
                to: vec![NegotiatedFormat {
                    extension: ".webp".to_owned(),
                    media_type: "image/webp".to_owned(),
                }],
            })
        );
        assert_eq!(negotiation_rule("avatars/", &outputs, &[]), None);
        let webp_only = [output(512, OutputFormat::Webp, "")];
        assert_eq!(
            negotiation_rule("avatars/", &webp_only, &[OutputFormat::Webp]),
            None
        );
    }

    #[test]
    fn alternates_that_would_overwrite_an_output_are_named() {
        let outputs = [
            output(512, OutputFormat::Jpeg, ""),
            output(128, OutputFormat::Jpeg, "_small"),
            output(128, OutputFormat::Webp, "_small"),
        ];
        assert!(alternate_clashes(&outputs[..2], &[OutputFormat::Webp]).is_empty());
        let problems = alternate_clashes(&outputs, &[OutputFormat::Webp]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("outputs[1]'s webp alternate"),
            "{problems:?}"
        );
        let problems = alternate_clashes(
            &outputs[..1],
            &[OutputFormat::Jpeg, OutputFormat::Webp, OutputFormat::Webp],
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
