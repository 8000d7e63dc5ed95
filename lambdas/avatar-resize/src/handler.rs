//! The Lambda handler: S3 events arrive through the kind's SQS queue ([`Resizer::handle_queue`]); for each new
//! original, spend one of the user's hourly resizes, fetch it with a size bound, run the image pipeline, write the
//! outputs, invalidate their CDN paths. A bad image is a *permanent* failure: it is logged, the original is tagged
//! `avatar-status=rejected`, the current avatar is left alone, and the message is done. An AWS failure is
//! *transient*: the message is reported as a batch item failure, SQS delivers it again after the visibility
//! timeout, and after the configured receives it moves to the failure queue (an alarm).
//!
//! Each upload's outputs are written twice: as versioned copies (`<prefix><sub>/<version>/<w>x<h>.<ext>`, the version
//! from the original's ETag, immutable for a year) and at the stable keys the reference frontend reads
//! (`<prefix><sub><suffix>.<ext>`, the kind's short `cache_control`), with a manifest (`<prefix><sub>.json`) naming the
//! versioned copies; see `pipeline_contract::delivery`. The copies are written first, so the manifest never names a
//! missing one.
//!
//! S3 events are at-least-once and unordered. The original is read with `If-Match` on the event's ETag (a changed
//! object has its own, later event), and every output carries the event's sequencer and is replaced only by a
//! conditional PUT from a later one: an old event arriving late, or the same event twice, changes nothing.

use aws_lambda_events::event::s3::S3Event;
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use aws_sdk_cloudfront::types::{InvalidationBatch, Paths};
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::operation::get_object::GetObjectError;
use aws_sdk_s3::operation::head_object::HeadObjectError;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Tag, Tagging};
use lambda_runtime::Diagnostic;
use serde::Serialize;

use pipeline_contract::delivery::{self, Manifest, ManifestAlternate, ManifestImage};
use user_quota::{Allowance, Quota};

use crate::event::{is_later, new_objects, notification, unquoted, NewObject, Notification};
use crate::imaging::{self, Rejection, SourceFormat};
use crate::settings::{Output, Settings};

/// Tag put on an original once it has been handled.
pub const STATUS_TAG: &str = "avatar-status";
/// Tag naming why an original was rejected (a [`Rejection::code`]).
pub const REASON_TAG: &str = "avatar-reason";
/// User metadata on the main output: the ETag of the original it was made from. The main output is written last,
/// so its presence means the whole set was written from that original.
pub const SOURCE_ETAG_METADATA: &str = "source-etag";
/// User metadata on every output: the S3 event sequencer of the original it was made from. Only an output from a
/// later sequencer may replace it.
pub const SOURCE_SEQUENCER_METADATA: &str = "source-sequencer";
/// Conditional PUTs of one output that may lose a race with a concurrent writer before the invocation fails (and
/// Lambda retries it).
const WRITE_ATTEMPTS: usize = 5;

/// Everything a handler needs, built once per cold start.
pub struct Resizer {
    pub settings: Settings,
    pub s3: aws_sdk_s3::Client,
    pub cloudfront: aws_sdk_cloudfront::Client,
    /// The per-user budget of resizes (from `settings.quota`); `None` counts nothing.
    pub quota: Option<Quota>,
}

/// Why an original is deleted without being read.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Its size or declared type is not one the kind takes.
    #[error(transparent)]
    Image(Rejection),
    /// Its user's resizes for this hour are spent.
    #[error("at most {per_hour} resizes per user and hour; the budget renews in {retry_after} s")]
    BudgetSpent { per_hour: u32, retry_after: u64 },
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Image(rejection) => rejection.code(),
            Refusal::BudgetSpent { .. } => "resize-budget-spent",
        }
    }
}

/// What happened to one record (also the function's JSON response, handy in logs and tests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Written {
        key: String,
        /// The main output's key.
        output_key: String,
        /// Every output's key, the main one first.
        output_keys: Vec<String>,
        /// Bytes of all outputs.
        bytes: usize,
        /// The versioned copies' version (absent when S3 gave neither an ETag nor a sequencer).
        version: Option<String>,
        invalidation_id: Option<String>,
    },
    Rejected {
        key: String,
        reason: String,
    },
    Ignored {
        key: String,
        why: String,
    },
}

/// A failure worth retrying: nothing about the image is known to be wrong.
#[derive(Debug, thiserror::Error)]
pub enum TransientError {
    #[error("reading s3://{bucket}/{key}: {source}")]
    Read {
        bucket: String,
        key: String,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("writing s3://{bucket}/{key}: {source}")]
    Write {
        bucket: String,
        key: String,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("deleting s3://{bucket}/{key}: {source}")]
    Delete {
        bucket: String,
        key: String,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("tagging s3://{bucket}/{key}: {source}")]
    Tag {
        bucket: String,
        key: String,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("invalidating {path} on {distribution}: {source}")]
    Invalidate {
        distribution: String,
        path: String,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl From<TransientError> for Diagnostic {
    fn from(err: TransientError) -> Self {
        let error_type = match err {
            TransientError::Read { .. } => "S3ReadFailed",
            TransientError::Write { .. } => "S3WriteFailed",
            TransientError::Delete { .. } => "S3DeleteFailed",
            TransientError::Tag { .. } => "S3TagFailed",
            TransientError::Invalidate { .. } => "CloudFrontInvalidationFailed",
        };
        Diagnostic {
            error_type: error_type.to_owned(),
            error_message: err.to_string(),
        }
    }
}

fn boxed(
    err: impl std::error::Error + Send + Sync + 'static,
) -> Box<dyn std::error::Error + Send + Sync> {
    Box::new(err)
}

impl Resizer {
    /// Handles a batch from the kind's queue (the event source mapping reports batch item failures): a message
    /// whose S3 event failed transiently is reported, so SQS delivers it again after the visibility timeout and,
    /// after `maxReceiveCount` receives, moves it to the failure queue; the others are deleted.
    pub async fn handle_queue(&self, event: SqsEvent) -> SqsBatchResponse {
        let mut response = SqsBatchResponse::default();
        for message in &event.records {
            let id = message.message_id.clone().unwrap_or_default();
            match notification(message) {
                Notification::Objects(event) => match self.handle(event).await {
                    Ok(outcomes) => {
                        for outcome in outcomes {
                            tracing::debug!(?outcome, "handled");
                        }
                    }
                    Err(err) => {
                        tracing::error!(message_id = id, %err, "event failed; SQS delivers it again");
                        let mut failure = BatchItemFailure::default();
                        failure.item_identifier = id;
                        response.batch_item_failures.push(failure);
                    }
                },
                Notification::Test => tracing::info!(message_id = id, "S3 test event"),
                Notification::Malformed(problem) => {
                    tracing::warn!(
                        message_id = id,
                        problem,
                        "queue message is no S3 event; dropped"
                    )
                }
            }
        }
        response
    }

    /// Handles every record of the batch; the first transient failure fails the invocation (after the records
    /// before it were handled, which a retry repeats harmlessly).
    pub async fn handle(&self, event: S3Event) -> Result<Vec<Outcome>, TransientError> {
        let mut outcomes = Vec::new();
        for record in new_objects(&event) {
            match record {
                Ok(object) => outcomes.push(self.handle_object(&object).await?),
                Err(problem) => tracing::warn!(problem, "malformed S3 event record skipped"),
            }
        }
        Ok(outcomes)
    }

    async fn handle_object(&self, object: &NewObject) -> Result<Outcome, TransientError> {
        let kind = &self.settings.kind;
        let Some(user_id) = kind.user_id(&object.key) else {
            let why = format!("not under {}<user id>", kind.originals_prefix);
            tracing::info!(key = object.key, why, "ignored");
            return Ok(Outcome::Ignored {
                key: object.key.clone(),
                why,
            });
        };
        let limit = self.settings.max_input_bytes;
        if let Some(size) = object.size.filter(|&size| size > limit) {
            return self
                .discard(
                    object,
                    Refusal::Image(Rejection::TooLarge { size, limit }),
                    Some(size),
                )
                .await;
        }
        // S3 redelivers events, delivers them out of order, and a presigned URL can be reused until it expires: an
        // event the outputs already reflect costs one HEAD, not a download and a decode.
        if let Some(why) = self.already_reflected(user_id, object).await {
            return Ok(ignored(object, why));
        }
        if let Some(refusal) = self.spend_resize(user_id).await {
            return self.discard(object, refusal, object.size).await;
        }
        let (bytes, source_etag) = match self.read_bounded(object).await? {
            Read::Bytes(bytes, etag) => (bytes, etag),
            Read::TooLarge(size) => {
                return self
                    .discard(
                        object,
                        Refusal::Image(Rejection::TooLarge { size, limit }),
                        Some(size),
                    )
                    .await;
            }
            Read::TypeNotAllowed(content_type) => {
                let allowed = self.settings.limits.allowed;
                let rejection = Rejection::ContentTypeNotAllowed {
                    content_type,
                    allowed,
                };
                return self
                    .discard(object, Refusal::Image(rejection), object.size)
                    .await;
            }
            Read::Gone => return Ok(ignored(object, "the original no longer exists".to_owned())),
            Read::Changed => {
                let why = "the original changed since this event; the change's own event follows"
                    .to_owned();
                return Ok(ignored(object, why));
            }
        };
        let size = bytes.len() as u64;
        // Every output is made, from one decode, before any is written: a rejection leaves all the current ones in
        // place.
        // Each output, then its alternates: the alternates are the same pixels encoded again (one resize each).
        let specs: Vec<_> = kind.outputs.iter().flat_map(Output::encodings).collect();
        let images = match imaging::process_all(&bytes, &specs, &self.settings.limits) {
            Ok(images) => images,
            Err(rejection) => return self.reject(object, rejection, Some(size)).await,
        };
        drop(bytes);
        let provenance = Provenance {
            etag: source_etag,
            sequencer: object.sequencer.clone(),
        };
        let version = provenance
            .etag
            .as_deref()
            .and_then(delivery::version_of)
            .or_else(|| {
                provenance
                    .sequencer
                    .as_deref()
                    .and_then(delivery::version_of)
            });
        let output_len: usize = images.iter().map(|image| image.bytes.len()).sum();
        // Made from the main output before the outputs move into their payloads; too large (never expected): none.
        let placeholder = images
            .first()
            .and_then(|main| imaging::placeholder(main, &self.settings.limits))
            .filter(|uri| uri.len() <= delivery::MAX_PLACEHOLDER_BYTES);
        let source = images.first().map(|image| image.source);
        // Every encoded image with the output it is a format of, in the order of `specs`: the main output first.
        let encoded: Vec<(&Output, imaging::Encoded)> = kind
            .outputs
            .iter()
            .flat_map(|output| std::iter::repeat_n(output, 1 + output.alternates.len()))
            .zip(images)
            .collect();
        // The stable set: the main output first (written last), the others, then the manifest.
        let mut stable: Vec<Payload> = encoded
            .iter()
            .map(|(output, image)| Payload {
                key: kind.output_key_as(user_id, output, image.format),
                content_type: image.format.content_type().to_owned(),
                cache_control: kind.cache_control.clone(),
                bytes: image.bytes.clone(),
            })
            .collect();
        let output_keys: Vec<String> = stable.iter().map(|p| p.key.clone()).collect();
        let previous = self.current_manifest(user_id).await;
        let mut copy_keys = Vec::new();
        if let Some(version) = &version {
            let copies: Vec<Payload> = encoded
                .into_iter()
                .map(|(output, image)| Payload {
                    key: kind.versioned_key(user_id, version, output, image.format),
                    content_type: image.format.content_type().to_owned(),
                    cache_control: delivery::IMMUTABLE_CACHE_CONTROL.to_owned(),
                    bytes: image.bytes,
                })
                .collect();
            stable.push(self.manifest(user_id, version, &copies, placeholder));
            copy_keys = copies.iter().map(|p| p.key.clone()).collect();
            self.write_copies(copies, &provenance).await?;
        }
        let mut invalidated = output_keys.clone();
        if version.is_some() {
            invalidated.push(kind.manifest_key(user_id));
        }
        if let Written::Superseded { key, by } = self.write_outputs(stable, &provenance).await? {
            // No manifest will name the copies just written.
            self.mark_superseded(&copy_keys).await;
            let why = format!("{key} is already from a later upload (sequencer {by})");
            return Ok(ignored(object, why));
        }
        if let Some(previous) = previous.filter(|m| Some(&m.version) != version.as_ref()) {
            let keys: Vec<String> = previous
                .images
                .into_iter()
                .flat_map(|i| std::iter::once(i.key).chain(i.alternates.into_iter().map(|a| a.key)))
                .collect();
            self.mark_superseded(&keys).await;
        }
        let invalidation_id = self.invalidate(&invalidated, object).await?;
        self.tag(object, &[(STATUS_TAG, "processed")]).await?;
        let output_key = output_keys.first().cloned().unwrap_or_default();
        tracing::info!(
            kind = kind.name,
            key = object.key,
            output_keys = output_keys.join(","),
            input_bytes = size,
            output_bytes = output_len,
            source_format = source.map(|s| s.format.name()),
            source_width = source.map(|s| s.width),
            source_height = source.map(|s| s.height),
            orientation = source.map(|s| s.orientation.value()),
            version,
            invalidation_id,
            "outputs written"
        );
        Ok(Outcome::Written {
            key: object.key.clone(),
            output_key,
            output_keys,
            bytes: output_len,
            version,
            invalidation_id,
        })
    }

    /// Why the event needs no work, if the kind's main output (written last, so it marks a complete set) is from
    /// this event, from a later one, or from the same bytes. Any failure to tell (no output yet, no permission, a
    /// throttle) answers `None`: processing again is always safe, only slower.
    async fn already_reflected(&self, user_id: &str, object: &NewObject) -> Option<String> {
        let main = self.settings.kind.outputs.first()?;
        let key = self.settings.kind.output_key(user_id, main);
        let stored = stored_output(&self.s3, &self.settings.assets_bucket, &key)
            .await
            .ok()??;
        if let (Some(ours), Some(theirs)) = (&object.sequencer, &stored.provenance.sequencer) {
            if is_later(theirs, ours) {
                return Some(format!(
                    "the outputs are from a later upload (sequencer {theirs}, this event's {ours})"
                ));
            }
            if !is_later(ours, theirs) {
                return Some(format!(
                    "the outputs are already made from this upload (sequencer {ours})"
                ));
            }
        }
        let etag = object.etag.as_deref()?;
        (stored.provenance.etag.as_deref() == Some(etag))
            .then(|| format!("the outputs are already made from this upload (ETag {etag})"))
    }

    /// Takes one resize from the user's hourly budget before the original is read: a presigned URL takes any number
    /// of PUTs until it expires, each an event. `Some` when the budget is spent. A counter failure allows the
    /// resize (logged as [`pipeline_contract::logs::QUOTA_UNAVAILABLE`], an alarm): the queue's concurrency cap
    /// still bounds everyone together, and a DynamoDB hiccup should not stop avatar changes.
    async fn spend_resize(&self, user_id: &str) -> Option<Refusal> {
        let quota = self.quota.as_ref()?;
        match quota.take(user_id, std::time::SystemTime::now()).await {
            Ok(Allowance::Granted) => None,
            Ok(Allowance::Exhausted { retry_after }) => Some(Refusal::BudgetSpent {
                per_hour: quota.settings.per_hour,
                retry_after,
            }),
            Err(err) => {
                tracing::error!(
                    user_id,
                    error = %aws_sdk_dynamodb::error::DisplayErrorContext(&err),
                    "{}; allowed",
                    pipeline_contract::logs::QUOTA_UNAVAILABLE
                );
                None
            }
        }
    }

    /// Writes every output, the others concurrently and then the main one, each by a conditional PUT that only
    /// replaces an output of an earlier upload. S3 has no multi-object transaction; a failed write fails the
    /// invocation, and the retry rewrites the set (the pipeline is deterministic: byte-identical outputs).
    async fn write_outputs(
        &self,
        mut stable: Vec<Payload>,
        provenance: &Provenance,
    ) -> Result<Written, TransientError> {
        if stable.is_empty() {
            return Ok(Written::All);
        }
        let main = stable.remove(0);
        let mut others = tokio::task::JoinSet::new();
        for payload in stable {
            let write = self.output_write(payload, provenance);
            others.spawn(write.run());
        }
        let mut outcome = Written::All;
        while let Some(joined) = others.join_next().await {
            match joined {
                Ok(Ok(Written::All)) => {}
                Ok(Ok(superseded)) => outcome = superseded,
                Ok(Err(err)) => return Err(err),
                Err(panic) => std::panic::resume_unwind(panic.into_panic()),
            }
        }
        if matches!(outcome, Written::Superseded { .. }) {
            return Ok(outcome);
        }
        self.output_write(main, provenance).run().await
    }

    fn output_write(&self, payload: Payload, provenance: &Provenance) -> OutputWrite {
        OutputWrite {
            s3: self.s3.clone(),
            bucket: self.settings.assets_bucket.clone(),
            payload,
            provenance: provenance.clone(),
        }
    }

    /// The versioned copies, concurrently: new keys for new bytes (a repeat writes the same bytes again), so no
    /// condition is needed and no reader ever sees one change.
    async fn write_copies(
        &self,
        copies: Vec<Payload>,
        provenance: &Provenance,
    ) -> Result<(), TransientError> {
        let mut writes = tokio::task::JoinSet::new();
        for payload in copies {
            let put = put_request(&self.s3, &self.settings.assets_bucket, &payload, provenance);
            let bucket = self.settings.assets_bucket.clone();
            writes.spawn(async move {
                put.send()
                    .await
                    .map(|_| ())
                    .map_err(|err| TransientError::Write {
                        bucket,
                        key: payload.key,
                        source: boxed(err),
                    })
            });
        }
        while let Some(joined) = writes.join_next().await {
            match joined {
                Ok(result) => result?,
                Err(panic) => std::panic::resume_unwind(panic.into_panic()),
            }
        }
        Ok(())
    }

    /// The manifest the stable set has now, if there is a readable one (anything else: `None`, and the previous
    /// version's copies are left untagged, which costs storage only).
    async fn current_manifest(&self, user_id: &str) -> Option<Manifest> {
        let response = self
            .s3
            .get_object()
            .bucket(&self.settings.assets_bucket)
            .key(self.settings.kind.manifest_key(user_id))
            .send()
            .await
            .ok()?;
        let bytes = response.body.collect().await.ok()?.into_bytes();
        serde_json::from_slice(&bytes).ok()
    }

    /// Tags copies that no manifest names any more, for the assets bucket's lifecycle rule to expire. Best effort:
    /// a failure is logged, not retried (the outputs are written; a retry would find nothing to do).
    async fn mark_superseded(&self, keys: &[String]) {
        for key in keys {
            let tagged = put_tags(
                &self.s3,
                &self.settings.assets_bucket,
                key,
                &[delivery::SUPERSEDED_TAG],
            )
            .await;
            if let Err(err) = tagged {
                tracing::warn!(key, %err, "superseded copy not tagged; it stays until removed by hand");
            }
        }
    }

    /// The manifest of one version: its copies' keys and sizes, the main one first, each with its alternates.
    /// `copies` are in the order of the outputs' encodings ([`Output::encodings`]).
    fn manifest(
        &self,
        user_id: &str,
        version: &str,
        copies: &[Payload],
        placeholder: Option<String>,
    ) -> Payload {
        let kind = &self.settings.kind;
        let mut copies = copies.iter();
        let images = kind
            .outputs
            .iter()
            .filter_map(|output| {
                let main = copies.next()?;
                let alternates = copies
                    .by_ref()
                    .take(output.alternates.len())
                    .map(|copy| ManifestAlternate {
                        key: copy.key.clone(),
                        content_type: copy.content_type.clone(),
                    })
                    .collect();
                Some(ManifestImage {
                    key: main.key.clone(),
                    width: output.spec.width,
                    height: output.spec.height,
                    content_type: main.content_type.clone(),
                    alternates,
                })
            })
            .collect();
        let manifest = Manifest {
            kind: kind.name.clone(),
            version: version.to_owned(),
            images,
            placeholder,
        };
        Payload {
            key: kind.manifest_key(user_id),
            content_type: delivery::MANIFEST_CONTENT_TYPE.to_owned(),
            cache_control: kind.cache_control.clone(),
            // A struct of strings and numbers always serialises.
            bytes: serde_json::to_vec(&manifest).unwrap_or_default(),
        }
    }

    /// Downloads the original, refusing to hold more than `max_input_bytes` of it in memory.
    async fn read_bounded(&self, object: &NewObject) -> Result<Read, TransientError> {
        let limit = self.settings.max_input_bytes;
        let read_error = |err: Box<dyn std::error::Error + Send + Sync>| TransientError::Read {
            bucket: object.bucket.clone(),
            key: object.key.clone(),
            source: err,
        };
        let response = match self
            .s3
            .get_object()
            .bucket(&object.bucket)
            .key(&object.key)
            .set_if_match(object.etag.as_deref().map(|etag| format!("\"{etag}\"")))
            .send()
            .await
        {
            Ok(response) => response,
            Err(err) if matches!(err.as_service_error(), Some(GetObjectError::NoSuchKey(_))) => {
                return Ok(Read::Gone);
            }
            Err(err) if http_status(&err) == Some(412) => return Ok(Read::Changed),
            Err(err) => return Err(read_error(boxed(err))),
        };
        let declared = response
            .content_length()
            .and_then(|n| u64::try_from(n).ok());
        if let Some(size) = declared.filter(|&size| size > limit) {
            return Ok(Read::TooLarge(size));
        }
        // The upload paths sign the Content-Type; whatever path wrote another one, the body is not read.
        let content_type = response.content_type().unwrap_or_default();
        if !self.type_allowed(content_type) {
            return Ok(Read::TypeNotAllowed(content_type.to_owned()));
        }
        let etag = response.e_tag().map(unquoted);
        let mut body = response.body;
        let mut bytes = Vec::with_capacity(declared.unwrap_or(0) as usize);
        while let Some(chunk) = body
            .try_next()
            .await
            .map_err(|err| read_error(boxed(err)))?
        {
            if (bytes.len() + chunk.len()) as u64 > limit {
                return Ok(Read::TooLarge((bytes.len() + chunk.len()) as u64));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Read::Bytes(bytes, etag))
    }

    /// Whether `content_type` (parameters aside, any case) is one of the kind's allowed types.
    fn type_allowed(&self, content_type: &str) -> bool {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        SourceFormat::from_mime(&essence.to_ascii_lowercase())
            .is_some_and(|format| self.settings.limits.allowed.contains(format))
    }

    /// Deletes an original that no upload path should have let in (too large, or of a type the kind does not
    /// take) without reading it: it would otherwise sit in the bucket, up to 5 GB, until the lifecycle rule. The
    /// delete is conditional on the event's ETag, so a newer upload at the same key is left for its own event.
    async fn discard(
        &self,
        object: &NewObject,
        refusal: Refusal,
        size: Option<u64>,
    ) -> Result<Outcome, TransientError> {
        let deleted = self
            .s3
            .delete_object()
            .bucket(&object.bucket)
            .key(&object.key)
            .set_if_match(object.etag.as_deref().map(|etag| format!("\"{etag}\"")))
            .send()
            .await;
        let outcome = match deleted {
            Ok(_) => "deleted unread",
            Err(err) if http_status(&err) == Some(412) => {
                "replaced meanwhile; left for its own event"
            }
            Err(err) if http_status(&err) == Some(404) => "already gone",
            Err(err) => {
                return Err(TransientError::Delete {
                    bucket: object.bucket.clone(),
                    key: object.key.clone(),
                    source: boxed(err),
                })
            }
        };
        tracing::warn!(
            key = object.key,
            reason = refusal.code(),
            detail = %refusal,
            bytes = size,
            outcome,
            "original refused before reading; the current outputs are unchanged"
        );
        Ok(Outcome::Rejected {
            key: object.key.clone(),
            reason: refusal.code().to_owned(),
        })
    }

    async fn reject(
        &self,
        object: &NewObject,
        rejection: Rejection,
        size: Option<u64>,
    ) -> Result<Outcome, TransientError> {
        tracing::warn!(
            key = object.key,
            reason = rejection.code(),
            detail = %rejection,
            bytes = size,
            "original rejected; the current avatar is unchanged"
        );
        self.tag(
            object,
            &[(STATUS_TAG, "rejected"), (REASON_TAG, rejection.code())],
        )
        .await?;
        Ok(Outcome::Rejected {
            key: object.key.clone(),
            reason: rejection.code().to_owned(),
        })
    }

    async fn tag(&self, object: &NewObject, tags: &[(&str, &str)]) -> Result<(), TransientError> {
        put_tags(&self.s3, &object.bucket, &object.key, tags)
            .await
            .map_err(|source| TransientError::Tag {
                bucket: object.bucket.clone(),
                key: object.key.clone(),
                source,
            })
    }

    /// Asks CloudFront to drop its cached copies of the outputs, in one invalidation. The caller reference is
    /// derived from the event, so a retried event re-submits the same request instead of creating a second one.
    async fn invalidate(
        &self,
        output_keys: &[String],
        object: &NewObject,
    ) -> Result<Option<String>, TransientError> {
        let Some(distribution) = &self.settings.distribution_id else {
            return Ok(None);
        };
        let Some(output_key) = output_keys.first() else {
            return Ok(None);
        };
        let paths: Vec<String> = output_keys.iter().map(|k| format!("/{k}")).collect();
        let path = paths.join(" ");
        let invalidate_error =
            |err: Box<dyn std::error::Error + Send + Sync>| TransientError::Invalidate {
                distribution: distribution.clone(),
                path: path.clone(),
                source: err,
            };
        let reference = caller_reference(output_key, object.sequencer.as_deref());
        let batch = InvalidationBatch::builder()
            .paths(
                Paths::builder()
                    .quantity(paths.len() as i32)
                    .set_items(Some(paths.clone()))
                    .build()
                    .map_err(|err| invalidate_error(boxed(err)))?,
            )
            .caller_reference(reference)
            .build()
            .map_err(|err| invalidate_error(boxed(err)))?;
        let response = self
            .cloudfront
            .create_invalidation()
            .distribution_id(distribution)
            .invalidation_batch(batch)
            .send()
            .await
            .map_err(|err| invalidate_error(boxed(err)))?;
        Ok(response.invalidation().map(|inv| inv.id().to_owned()))
    }
}

enum Read {
    /// The original and its ETag.
    Bytes(Vec<u8>, Option<String>),
    TooLarge(u64),
    /// The object's `Content-Type`, which is not one the kind takes.
    TypeNotAllowed(String),
    Gone,
    /// The original is no longer the object of the event (`If-Match` failed).
    Changed,
}

fn ignored(object: &NewObject, why: String) -> Outcome {
    tracing::info!(key = object.key, why, "ignored");
    Outcome::Ignored {
        key: object.key.clone(),
        why,
    }
}

/// Which upload an output was made from: its original's ETag and event sequencer (either may be unknown).
#[derive(Debug, Clone, Default)]
struct Provenance {
    etag: Option<String>,
    sequencer: Option<String>,
}

/// An output as stored: its own ETag (for a conditional PUT over it) and where it came from.
struct StoredOutput {
    object_etag: Option<String>,
    provenance: Provenance,
}

enum Written {
    All,
    /// An output already came from a later upload; nothing more was written.
    Superseded {
        key: String,
        by: String,
    },
}

/// The output at `key`, or `None` when there is none.
async fn stored_output(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
) -> Result<Option<StoredOutput>, SdkError<HeadObjectError, HttpResponse>> {
    match s3.head_object().bucket(bucket).key(key).send().await {
        Ok(head) => {
            let meta = |name| head.metadata().and_then(|m| m.get(name)).cloned();
            Ok(Some(StoredOutput {
                object_etag: head.e_tag().map(str::to_owned),
                provenance: Provenance {
                    etag: meta(SOURCE_ETAG_METADATA),
                    sequencer: meta(SOURCE_SEQUENCER_METADATA),
                },
            }))
        }
        Err(err) if matches!(err.as_service_error(), Some(HeadObjectError::NotFound(_))) => {
            Ok(None)
        }
        Err(err) => Err(err),
    }
}

/// One output's compare-and-swap: read what is there, give way to a later upload's output, otherwise PUT on the
/// condition that it is still what was read (`If-Match`, or `If-None-Match: *` for none). A lost race reads again.
struct OutputWrite {
    s3: aws_sdk_s3::Client,
    bucket: String,
    payload: Payload,
    provenance: Provenance,
}

/// One object to write to the assets bucket.
struct Payload {
    key: String,
    content_type: String,
    cache_control: String,
    bytes: Vec<u8>,
}

/// A PUT of `payload` carrying where it came from (the original's ETag and sequencer) as metadata.
fn put_request(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    payload: &Payload,
    provenance: &Provenance,
) -> aws_sdk_s3::operation::put_object::builders::PutObjectFluentBuilder {
    let mut put = s3
        .put_object()
        .bucket(bucket)
        .key(&payload.key)
        .content_type(&payload.content_type)
        .cache_control(&payload.cache_control)
        .body(ByteStream::from(payload.bytes.clone()));
    if let Some(etag) = &provenance.etag {
        put = put.metadata(SOURCE_ETAG_METADATA, etag);
    }
    if let Some(sequencer) = &provenance.sequencer {
        put = put.metadata(SOURCE_SEQUENCER_METADATA, sequencer);
    }
    put
}

impl OutputWrite {
    async fn run(self) -> Result<Written, TransientError> {
        let key = &self.payload.key;
        let write_error = |err: Box<dyn std::error::Error + Send + Sync>| TransientError::Write {
            bucket: self.bucket.clone(),
            key: key.clone(),
            source: err,
        };
        for _ in 0..WRITE_ATTEMPTS {
            let stored = stored_output(&self.s3, &self.bucket, key)
                .await
                .map_err(|err| write_error(boxed(err)))?;
            let theirs = stored
                .as_ref()
                .and_then(|s| s.provenance.sequencer.as_deref());
            if let (Some(ours), Some(theirs)) = (&self.provenance.sequencer, theirs) {
                if is_later(theirs, ours) {
                    return Ok(Written::Superseded {
                        key: key.clone(),
                        by: theirs.to_owned(),
                    });
                }
            }
            let put = put_request(&self.s3, &self.bucket, &self.payload, &self.provenance);
            let put = match stored.and_then(|s| s.object_etag) {
                Some(etag) => put.if_match(etag),
                None => put.if_none_match("*"),
            };
            match put.send().await {
                Ok(_) => return Ok(Written::All),
                // 412: replaced since the HEAD; 409: a concurrent conditional write. Read again.
                Err(err) if matches!(http_status(&err), Some(409 | 412)) => {}
                Err(err) => return Err(write_error(boxed(err))),
            }
        }
        Err(write_error(
            format!("another writer replaced it {WRITE_ATTEMPTS} times in a row").into(),
        ))
    }
}

/// Replaces the object's tags; an object deleted meanwhile has nothing left to mark and is not an error.
async fn put_tags(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
    tags: &[(&str, &str)],
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let tag_set = tags
        .iter()
        .map(|(key, value)| Tag::builder().key(*key).value(*value).build())
        .collect::<Result<Vec<_>, _>>()?;
    let tagging = Tagging::builder().set_tag_set(Some(tag_set)).build()?;
    match s3
        .put_object_tagging()
        .bucket(bucket)
        .key(key)
        .tagging(tagging)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(err) if err.as_service_error().and_then(|e| e.meta().code()) == Some("NoSuchKey") => {
            Ok(())
        }
        Err(err) => Err(boxed(err)),
    }
}

fn http_status<E>(err: &SdkError<E, HttpResponse>) -> Option<u16> {
    err.raw_response()
        .map(|response| response.status().as_u16())
}

/// At most 128 characters, unique per (output, S3 event); without a sequencer, per output and process start.
fn caller_reference(output_key: &str, sequencer: Option<&str>) -> String {
    let reference = match sequencer {
        Some(sequencer) => format!("{sequencer}:{output_key}"),
        None => format!("{}:{output_key}", std::process::id()),
    };
    reference.chars().take(128).collect()
}
