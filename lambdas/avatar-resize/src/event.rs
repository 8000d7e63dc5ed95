//! The S3 event as it arrives: every record of the batch, with its key URL-decoded.

use aws_lambda_events::event::s3::S3Event;
use percent_encoding::percent_decode_str;

/// One object that S3 reports as created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewObject {
    pub bucket: String,
    /// Decoded: `avatars/original/a+b%2Fc` in the event is `avatars/original/a b/c` here.
    pub key: String,
    pub size: Option<u64>,
    /// S3's per-key ordering token: of two events for one key, the greater (see [`is_later`]) is the later
    /// write. Stored on the outputs, so an older event never replaces what a newer one wrote.
    pub sequencer: Option<String>,
    /// The object's ETag (without quotes): the same bytes PUT again through a reused URL have the same one.
    pub etag: Option<String>,
}

/// The records of `event`, in order; a record without a bucket or a key (or with a key that is not UTF-8 once
/// decoded) is returned as an `Err` describing it, for the caller to log.
pub fn new_objects(event: &S3Event) -> Vec<Result<NewObject, String>> {
    event
        .records
        .iter()
        .enumerate()
        .map(|(index, record)| {
            let bucket = record.s3.bucket.name.clone().filter(|b| !b.is_empty());
            let raw_key = record.s3.object.key.as_deref().filter(|k| !k.is_empty());
            let (Some(bucket), Some(raw_key)) = (bucket, raw_key) else {
                return Err(format!("record {index} has no bucket name or object key"));
            };
            let key = decode_key(raw_key)
                .ok_or_else(|| format!("record {index}: key {raw_key:?} is not UTF-8"))?;
            Ok(NewObject {
                bucket,
                key,
                size: record.s3.object.size.and_then(|s| u64::try_from(s).ok()),
                sequencer: record.s3.object.sequencer.clone(),
                etag: record
                    .s3
                    .object
                    .e_tag
                    .as_deref()
                    .map(unquoted)
                    .filter(|e| !e.is_empty()),
            })
        })
        .collect()
}

/// An ETag as events carry it (`abc`) and as GetObject returns it (`"abc"`) compare equal once unquoted.
pub fn unquoted(etag: &str) -> String {
    etag.trim_matches('"').to_owned()
}

/// Whether sequencer `a` is a later write of the same key than `b`. S3 documents the comparison: the values are
/// hex strings of varying length; right-pad the shorter with zeros, then compare lexicographically.
pub fn is_later(a: &str, b: &str) -> bool {
    let width = a.len().max(b.len());
    let pad = |s: &str| format!("{:0<width$}", s.to_ascii_uppercase());
    pad(a) > pad(b)
}

/// S3 event keys are form-encoded: `+` is a space, then `%XX` escapes.
pub fn decode_key(raw: &str) -> Option<String> {
    let plus_as_space = raw.replace('+', " ");
    percent_decode_str(&plus_as_space)
        .decode_utf8()
        .ok()
        .map(|k| k.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_form_encoded_keys() {
        assert_eq!(
            decode_key("avatars/original/abc").as_deref(),
            Some("avatars/original/abc")
        );
        assert_eq!(decode_key("a+b%2Bc%20d").as_deref(), Some("a b+c d"));
        assert_eq!(decode_key("caf%C3%A9").as_deref(), Some("café"));
        assert_eq!(decode_key("%FF"), None);
    }

    #[test]
    fn sequencers_compare_right_padded() {
        assert!(is_later("0055AED6DCD90281E6", "0055AED6DCD90281E5"));
        assert!(!is_later("0055AED6DCD90281E5", "0055AED6DCD90281E5"));
        // Padded, "0056" is "005600…": later than a longer value that starts lower.
        assert!(is_later("0056", "0055AED6DCD90281E5"));
        assert!(!is_later("0055AE", "0055AED6DCD90281E5"));
        assert!(is_later("0055aed6dcd90281e6", "0055AED6DCD90281E5"));
    }
}
