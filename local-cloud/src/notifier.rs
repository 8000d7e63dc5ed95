//! S3 event notifications, emulated: moto runs no Lambda code, so s3rver (which holds the objects) posts each event
//! it raises to this receiver, which applies the applied `aws_s3_bucket_notification` (bucket, prefix, suffix,
//! created events only) and hands every match to the resize handler as the event S3 sends (`ObjectCreated:Put`,
//! form-encoded key, size, eTag, an increasing sequencer). Like an asynchronous Lambda invocation, the receiver
//! answers at once and a failed delivery is retried.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use avatar_resize::handler::Resizer;
use aws_lambda_events::event::s3::S3Event;
use http::StatusCode;
use serde_json::{json, Value};

use crate::http::{message, read_body, Reply, Request};

/// One `lambda_function` block of the bucket notification, with the handler of the function it names (one
/// resize function per image kind).
#[derive(Clone)]
pub struct Subscription {
    pub bucket: String,
    pub prefix: String,
    pub suffix: String,
    pub function_name: String,
    pub resizer: Arc<Resizer>,
}

pub struct Notifier {
    pub subscriptions: Vec<Subscription>,
    pub region: String,
    /// Retries after a failed delivery (the function's `maximum_retry_attempts`).
    pub retries: u32,
    sequencer: AtomicU64,
}

impl Notifier {
    pub fn new(subscriptions: Vec<Subscription>, region: String, retries: u32) -> Self {
        Self {
            subscriptions,
            region,
            retries,
            sequencer: AtomicU64::new(0),
        }
    }

    /// Receives s3rver's event (`{"Records": [...]}`) and delivers each matching record in the background.
    pub async fn handle(self: Arc<Self>, request: Request) -> Reply {
        let Some(body) = read_body(request.into_body()).await else {
            return message(StatusCode::BAD_REQUEST, "unreadable body");
        };
        let Ok(event) = serde_json::from_slice::<Value>(&body) else {
            return message(StatusCode::BAD_REQUEST, "not JSON");
        };
        for record in event["Records"].as_array().into_iter().flatten() {
            let name = record["eventName"].as_str().unwrap_or_default();
            let bucket = record["s3"]["bucket"]["name"].as_str().unwrap_or_default();
            let object = &record["s3"]["object"];
            let key = object["key"].as_str().unwrap_or_default();
            if !name.starts_with("ObjectCreated:") {
                continue;
            }
            // S3 refuses overlapping filters, so at most one subscription matches.
            let Some(subscription) = self.subscriptions.iter().find(|s| {
                s.bucket == bucket && key.starts_with(&s.prefix) && key.ends_with(&s.suffix)
            }) else {
                continue;
            };
            let sequencer = self.sequencer.fetch_add(1, Ordering::Relaxed) + 1;
            let event = object_created(
                &self.region,
                bucket,
                key,
                object["size"].as_i64().unwrap_or(0),
                object["eTag"].as_str().unwrap_or_default(),
                sequencer,
            );
            let notifier = Arc::clone(&self);
            let subscription = subscription.clone();
            let key = key.to_owned();
            tokio::spawn(async move { notifier.deliver(&subscription, event, &key).await });
        }
        message(StatusCode::ACCEPTED, "accepted")
    }

    async fn deliver(&self, subscription: &Subscription, event: S3Event, key: &str) {
        let function = subscription.function_name.as_str();
        for attempt in 0..=self.retries {
            match subscription.resizer.handle(event.clone()).await {
                Ok(outcomes) => {
                    for outcome in outcomes {
                        tracing::info!(function, ?outcome, "resize handler");
                    }
                    return;
                }
                Err(err) => {
                    tracing::warn!(function, %err, key, attempt, "resize handler failed; Lambda would retry the invocation");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        tracing::error!(
            function,
            key,
            "resize handler failed on every attempt; AWS would send the event to the failure queue"
        );
    }
}

/// The event S3 sends for one `PutObject`, as JSON first and then read through the runtime's type.
pub fn object_created(
    region: &str,
    bucket: &str,
    key: &str,
    size: i64,
    etag: &str,
    sequencer: u64,
) -> S3Event {
    let event = json!({
        "Records": [{
            "eventVersion": "2.1",
            "eventSource": "aws:s3",
            "awsRegion": region,
            "eventTime": "1970-01-01T00:00:00.000Z",
            "eventName": "ObjectCreated:Put",
            "userIdentity": { "principalId": "AWS:LOCAL" },
            "requestParameters": { "sourceIPAddress": "127.0.0.1" },
            "responseElements": { "x-amz-request-id": "LOCAL", "x-amz-id-2": "LOCAL" },
            "s3": {
                "s3SchemaVersion": "1.0",
                "configurationId": "local-stack",
                "bucket": {
                    "name": bucket,
                    "ownerIdentity": { "principalId": "LOCAL" },
                    "arn": format!("arn:aws:s3:::{bucket}"),
                },
                "object": {
                    "key": form_encode(key),
                    "size": size,
                    "eTag": etag,
                    "sequencer": format!("{sequencer:018X}"),
                },
            },
        }]
    });
    // The JSON above has the fields the type needs; a failure here is a bug in this function.
    serde_json::from_value(event).unwrap_or_default()
}

/// S3's encoding of keys in events: form encoding (space as `+`), with `/` kept.
fn form_encode(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for byte in key.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' | b'/' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_the_resizers_decoder() {
        for key in ["avatars/original/abc", "avatars/original/a b+c%/é"] {
            let event = object_created("us-east-1", "b", key, 1, "e", 1);
            let objects = avatar_resize::event::new_objects(&event);
            assert_eq!(objects.len(), 1);
            assert_eq!(objects[0].as_ref().map(|o| o.key.as_str()), Ok(key));
        }
    }
}
