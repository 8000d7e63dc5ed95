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
    /// S3's per-key ordering token; used to make the invalidation request idempotent.
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
}
