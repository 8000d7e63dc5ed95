//! The S3 event as it arrives: through the kind's SQS queue (the event source mapping caps the function's
//! concurrency), one S3 notification per message; every record with its key URL-decoded.

use aws_lambda_events::event::s3::S3Event;
use aws_lambda_events::event::sqs::SqsMessage;
use percent_encoding::percent_decode_str;

/// What one queue message holds.
#[derive(Debug)]
pub enum Notification {
    /// An S3 event notification.
    Objects(S3Event),
    /// The `s3:TestEvent` S3 sends when the notification is configured: nothing to do.
    Test,
    /// Anything else (a message someone sent by hand): never processable, so not retried.
    Malformed(String),
}

/// The S3 notification in a queue message's body.
pub fn notification(message: &SqsMessage) -> Notification {
    let body = message.body.as_deref().unwrap_or_default();
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
        return Notification::Malformed("the body is not JSON".to_owned());
    };
    if value.get("Event").and_then(|e| e.as_str()) == Some("s3:TestEvent") {
        return Notification::Test;
    }
    if value.get("Records").is_none() {
        return Notification::Malformed("the body has no Records".to_owned());
    }
    match serde_json::from_value::<S3Event>(value) {
        Ok(event) => Notification::Objects(event),
        Err(err) => Notification::Malformed(format!("the body is not an S3 event: {err}")),
    }
}

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

    fn message(body: &str) -> SqsMessage {
        let mut message = SqsMessage::default();
        message.body = Some(body.to_owned());
        message
    }

    #[test]
    fn reads_the_s3_notification_in_a_queue_message() {
        // As S3 sends it to a queue.
        let body = r#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
            "eventTime":"2026-12-05T10:00:00.000Z","eventName":"ObjectCreated:Put",
            "userIdentity":{"principalId":"AWS:AIDAEXAMPLE"},"requestParameters":{"sourceIPAddress":"192.0.2.1"},
            "responseElements":{"x-amz-request-id":"R","x-amz-id-2":"I"},
            "s3":{"s3SchemaVersion":"1.0","configurationId":"queue-on-avatars-original",
            "bucket":{"name":"b","ownerIdentity":{"principalId":"A"},"arn":"arn:aws:s3:::b"},
            "object":{"key":"avatars/original/a+b","size":3,"eTag":"e","sequencer":"01"}}}]}"#;
        let event = match notification(&message(body)) {
            Notification::Objects(event) => event,
            other => panic!("not read as an S3 event: {other:?}"),
        };
        let objects = new_objects(&event);
        assert_eq!(objects.len(), 1);
        assert_eq!(
            objects[0].as_ref().map(|o| o.key.as_str()),
            Ok("avatars/original/a b")
        );
        let test = r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"b"}"#;
        assert!(matches!(notification(&message(test)), Notification::Test));
        assert!(matches!(
            notification(&message("{}")),
            Notification::Malformed(_)
        ));
        assert!(matches!(
            notification(&message("not json")),
            Notification::Malformed(_)
        ));
    }

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
