//! S3 event notifications through the kind's SQS queue, emulated: moto runs no Lambda code, so s3rver (which holds
//! the objects) posts each event it raises to this receiver, which applies the applied `aws_s3_bucket_notification`
//! (bucket, prefix, suffix, created events only) and puts every match on the queue it names, as the message S3 sends
//! (`ObjectCreated:Put`, form-encoded key, size, eTag, an increasing sequencer). Each queue is drained as the applied
//! `aws_lambda_event_source_mapping` drains it: at most its `maximum_concurrency` handlers at once, one message per
//! invocation ([`Resizer::handle_queue`], the function's entry point), a reported batch item failure received again
//! (after a second here, the visibility timeout in AWS) until the queue's `maxReceiveCount`, then dropped with the
//! line AWS's move to the failure queue would correspond to.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use avatar_resize::handler::Resizer;
use aws_lambda_events::event::s3::S3Event;
use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use http::StatusCode;
use serde_json::{json, Value};
use tokio::sync::Semaphore;

use crate::http::{message, read_body, Reply, Request};

/// One SQS queue with its event source mapping: the function it feeds and how.
pub struct EventQueue {
    pub arn: String,
    pub function_name: String,
    pub resizer: Arc<Resizer>,
    /// The mapping's `maximum_concurrency`: invocations in flight at once.
    concurrency: Semaphore,
    /// The redrive policy's `maxReceiveCount`.
    pub max_receives: u32,
}

impl EventQueue {
    pub fn new(
        arn: String,
        function_name: String,
        resizer: Arc<Resizer>,
        max_concurrency: usize,
        max_receives: u32,
    ) -> Self {
        Self {
            arn,
            function_name,
            resizer,
            concurrency: Semaphore::new(max_concurrency),
            max_receives,
        }
    }
}

/// One `queue` block of the bucket notification.
#[derive(Clone)]
pub struct Subscription {
    pub bucket: String,
    pub prefix: String,
    pub suffix: String,
    pub queue: Arc<EventQueue>,
}

pub struct Notifier {
    pub subscriptions: Vec<Subscription>,
    pub region: String,
    sequencer: AtomicU64,
    message_ids: AtomicU64,
}

impl Notifier {
    pub fn new(subscriptions: Vec<Subscription>, region: String) -> Self {
        Self {
            subscriptions,
            region,
            sequencer: AtomicU64::new(0),
            message_ids: AtomicU64::new(0),
        }
    }

    /// Receives s3rver's event (`{"Records": [...]}`) and queues each matching record.
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
            let id = self.message_ids.fetch_add(1, Ordering::Relaxed) + 1;
            let message = queue_message(&subscription.queue.arn, &format!("local-{id}"), &event);
            let queue = Arc::clone(&subscription.queue);
            let key = key.to_owned();
            tokio::spawn(async move { deliver(&queue, message, &key).await });
        }
        message(StatusCode::ACCEPTED, "accepted")
    }
}

/// Receives `message` from `queue` until the function takes it or its receives run out.
async fn deliver(queue: &EventQueue, message: SqsMessage, key: &str) {
    let function = queue.function_name.as_str();
    for receive in 1..=queue.max_receives {
        let response = {
            // Closed only when the semaphore is dropped, which the queue outlives.
            let Ok(_permit) = queue.concurrency.acquire().await else {
                return;
            };
            let mut event = SqsEvent::default();
            event.records = vec![message.clone()];
            queue.resizer.handle_queue(event).await
        };
        if response.batch_item_failures.is_empty() {
            return;
        }
        tracing::warn!(
            function,
            key,
            receive,
            "the function reported the message; SQS delivers it again"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    tracing::error!(
        function,
        key,
        queue = queue.arn,
        "the message failed every receive; SQS would move it to the failure queue"
    );
}

/// The SQS message the event source mapping hands the function: S3's notification as the body.
fn queue_message(queue_arn: &str, id: &str, event: &S3Event) -> SqsMessage {
    let mut message = SqsMessage::default();
    message.message_id = Some(id.to_owned());
    message.receipt_handle = Some(id.to_owned());
    // A struct of strings and numbers always serialises.
    message.body = Some(serde_json::to_string(event).unwrap_or_default());
    message.event_source = Some("aws:sqs".to_owned());
    message.event_source_arn = Some(queue_arn.to_owned());
    message
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
