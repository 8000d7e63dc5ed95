//! Names AWS will accept: S3 bucket names, host names, the words that go into resource names, Terraform
//! resource addresses, and the two buckets' section.

use super::*;

/// Why a bucket name breaks S3's rules (or ours: no dots, because virtual-hosted HTTPS presigned URLs break on them).
pub fn bucket_name_problem(name: &str) -> Option<&'static str> {
    let len = name.len();
    if !(3..=63).contains(&len) {
        return Some("must be 3 to 63 characters long");
    }
    if name.contains('_') {
        return Some("must not contain `_`");
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Some("must be lowercase");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
    {
        return Some("may only contain lowercase letters, digits, `-` and `.`");
    }
    let first = name.as_bytes()[0];
    let last = name.as_bytes()[len - 1];
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return Some("must begin and end with a letter or digit");
    }
    if name.contains("..") {
        return Some("must not contain `..`");
    }
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return Some("must not be formatted as an IP address");
    }
    if name.starts_with("xn--") || name.starts_with("sthree-") || name.starts_with("amzn-s3-demo-")
    {
        return Some(
            "must not start with the reserved prefixes `xn--`, `sthree-`, `amzn-s3-demo-`",
        );
    }
    if ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        return Some(
            "must not end with the reserved suffixes `-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`, `--table-s3`",
        );
    }
    if name.contains('.') {
        return Some(
            "must not contain `.`: browsers upload over virtual-hosted HTTPS, where a dotted name fails the TLS certificate check",
        );
    }
    None
}

/// A DNS host name: labels of letters, digits and `-`, lowercase.
pub fn is_host_name(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

pub(super) fn is_resource_word(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.starts_with(|ch: char| ch.is_ascii_lowercase())
        && !s.ends_with('-')
        && s.chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
}

/// A resource address as Terraform prints it (`module.cdn.aws_cloudfront_distribution.this`, `aws_x.y["k"]`).
pub(super) fn is_resource_address(s: &str) -> bool {
    let mut rest = s;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find('.').unwrap_or(after.len());
        rest = after.get(end + 1..).unwrap_or("");
    }
    let Some((resource_type, name)) = rest.split_once('.') else {
        return false;
    };
    let name = name.split('[').next().unwrap_or("");
    !s.chars().any(char::is_whitespace)
        && resource_type.starts_with("aws_")
        && resource_type[4..]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-".contains(&b))
}

pub(super) fn check_buckets(c: &mut Checker, b: &RawBuckets, stage: Stage) -> Buckets {
    for (key, v) in [
        ("buckets.uploads", &b.uploads),
        ("buckets.assets", &b.assets),
    ] {
        if let Some(why) = bucket_name_problem(v.get_ref()) {
            c.report(
                IssueCode::BucketName,
                v.span(),
                format!("`{key}` \"{}\" is not a valid bucket name", v.get_ref()),
                why,
                "S3 bucket names: 3-63 of a-z, 0-9 and `-`, starting and ending with a letter or digit",
            );
        }
    }
    if b.uploads.get_ref() == b.assets.get_ref() {
        c.report(
            IssueCode::BucketNamesEqual,
            b.assets.span(),
            "`buckets.assets` is the same bucket as `buckets.uploads`",
            "same as buckets.uploads",
            "use two buckets: the resizer writes to assets, and a write to the uploads bucket would trigger it again",
        );
    }
    // On by default outside production, so `make destroy` of a development or local environment finishes even
    // though its buckets hold avatars and (assets) old versions; production keeps its data unless emptied by hand.
    let force_destroy = b
        .force_destroy
        .as_ref()
        .map_or(stage != Stage::Production, |f| *f.get_ref());
    if force_destroy && stage == Stage::Production {
        if let Some(f) = &b.force_destroy {
            c.report(
                IssueCode::ForceDestroy,
                f.span(),
                "`buckets.force_destroy = true` is not allowed for stage \"production\"",
                "would let destroy delete every avatar",
                "allowed only for stages \"local\" and \"development\"",
            );
        }
    }
    Buckets {
        uploads: b.uploads.get_ref().clone(),
        assets: b.assets.get_ref().clone(),
        force_destroy,
    }
}
