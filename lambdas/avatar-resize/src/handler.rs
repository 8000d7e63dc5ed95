//! The Lambda handler: for each new original, fetch it with a size bound, run the image pipeline, write the
//! output, invalidate its CDN path. A bad image is a *permanent* failure: it is logged, the original is tagged
//! `avatar-status=rejected`, the current avatar is left alone, and the invocation succeeds so Lambda does not
//! retry it. An AWS failure is *transient*: the invocation fails, Lambda retries, and after the configured
//! retries the event goes to the on-failure destination.

use aws_lambda_events::event::s3::S3Event;
use aws_sdk_cloudfront::types::{InvalidationBatch, Paths};
use aws_sdk_s3::operation::get_object::GetObjectError;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Tag, Tagging};
use lambda_runtime::Diagnostic;
use serde::Serialize;

use crate::event::{new_objects, unquoted, NewObject};
use crate::imaging::{self, Rejection};
use crate::settings::Settings;

/// Tag put on an original once it has been handled.
pub const STATUS_TAG: &str = "avatar-status";
/// Tag naming why an original was rejected (a [`Rejection::code`]).
pub const REASON_TAG: &str = "avatar-reason";
/// User metadata on the main output: the ETag of the original it was made from. The main output is written last,
/// so its presence means the whole set was written from that original.
pub const SOURCE_ETAG_METADATA: &str = "source-etag";

/// Everything a handler needs, built once per cold start.
pub struct Resizer {
    pub settings: Settings,
    pub s3: aws_sdk_s3::Client,
    pub cloudfront: aws_sdk_cloudfront::Client,
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
                .reject(object, Rejection::TooLarge { size, limit }, Some(size))
                .await;
        }
        // A presigned URL can be reused until it expires, and S3 redelivers events: the same bytes again (same
        // ETag) as the current outputs were made from cost one HEAD, not a download and a decode.
        if let Some(etag) = object.etag.as_deref() {
            if self.made_from(user_id, etag).await {
                let why = format!("the outputs are already made from this upload (ETag {etag})");
                tracing::info!(key = object.key, why, "ignored");
                return Ok(Outcome::Ignored {
                    key: object.key.clone(),
                    why,
                });
            }
        }
        let (bytes, source_etag) = match self.read_bounded(object).await? {
            Read::Bytes(bytes, etag) => (bytes, etag),
            Read::TooLarge(size) => {
                return self
                    .reject(object, Rejection::TooLarge { size, limit }, Some(size))
                    .await;
            }
            Read::Gone => {
                let why = "the original no longer exists".to_owned();
                tracing::info!(key = object.key, why, "ignored");
                return Ok(Outcome::Ignored {
                    key: object.key.clone(),
                    why,
                });
            }
        };
        let size = bytes.len() as u64;
        // Every output is made before any is written: a rejection on one leaves all the current ones in place.
        let mut encoded = Vec::with_capacity(kind.outputs.len());
        for output in &kind.outputs {
            match imaging::process(&bytes, &output.spec, &self.settings.limits) {
                Ok(image) => encoded.push((kind.output_key(user_id, output), image)),
                Err(rejection) => return self.reject(object, rejection, Some(size)).await,
            }
        }
        drop(bytes);

        let output_keys: Vec<String> = encoded.iter().map(|(key, _)| key.clone()).collect();
        let output_len: usize = encoded.iter().map(|(_, image)| image.bytes.len()).sum();
        let source = encoded.first().map(|(_, image)| image.source);
        // S3 has no multi-object transaction; a failed write fails the invocation, and the retry rewrites the
        // whole set (the pipeline is deterministic, so rewritten outputs are byte-identical). The main output goes
        // last with the original's ETag, so it marks a complete set for `made_from`.
        for (output_key, image) in encoded.into_iter().rev() {
            let mut put = self
                .s3
                .put_object()
                .bucket(&self.settings.assets_bucket)
                .key(&output_key)
                .content_type(image.format.content_type())
                .cache_control(&kind.cache_control);
            if let Some(etag) = &source_etag {
                put = put.metadata(SOURCE_ETAG_METADATA, etag);
            }
            put.body(ByteStream::from(image.bytes))
                .send()
                .await
                .map_err(|err| TransientError::Write {
                    bucket: self.settings.assets_bucket.clone(),
                    key: output_key.clone(),
                    source: boxed(err),
                })?;
        }
        let invalidation_id = self.invalidate(&output_keys, object).await?;
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
            invalidation_id,
            "outputs written"
        );
        Ok(Outcome::Written {
            key: object.key.clone(),
            output_key,
            output_keys,
            bytes: output_len,
            invalidation_id,
        })
    }

    /// Whether the kind's main output was made from the original with this ETag. Any failure (no output yet, no
    /// permission, a throttle) answers no: processing again is always safe, only slower.
    async fn made_from(&self, user_id: &str, etag: &str) -> bool {
        let Some(main) = self.settings.kind.outputs.first() else {
            return false;
        };
        let key = self.settings.kind.output_key(user_id, main);
        match self
            .s3
            .head_object()
            .bucket(&self.settings.assets_bucket)
            .key(&key)
            .send()
            .await
        {
            Ok(head) => head
                .metadata()
                .and_then(|m| m.get(SOURCE_ETAG_METADATA))
                .is_some_and(|stored| *stored == unquoted(etag)),
            Err(_) => false,
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
            .send()
            .await
        {
            Ok(response) => response,
            Err(err) if matches!(err.as_service_error(), Some(GetObjectError::NoSuchKey(_))) => {
                return Ok(Read::Gone);
            }
            Err(err) => return Err(read_error(boxed(err))),
        };
        let declared = response
            .content_length()
            .and_then(|n| u64::try_from(n).ok());
        if let Some(size) = declared.filter(|&size| size > limit) {
            return Ok(Read::TooLarge(size));
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
        let tag_error = |err: Box<dyn std::error::Error + Send + Sync>| TransientError::Tag {
            bucket: object.bucket.clone(),
            key: object.key.clone(),
            source: err,
        };
        let tag_set = tags
            .iter()
            .map(|(key, value)| Tag::builder().key(*key).value(*value).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| tag_error(boxed(err)))?;
        let tagging = Tagging::builder()
            .set_tag_set(Some(tag_set))
            .build()
            .map_err(|err| tag_error(boxed(err)))?;
        match self
            .s3
            .put_object_tagging()
            .bucket(&object.bucket)
            .key(&object.key)
            .tagging(tagging)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            // Deleted meanwhile: nothing left to mark.
            Err(err)
                if err.as_service_error().and_then(|e| e.meta().code()) == Some("NoSuchKey") =>
            {
                Ok(())
            }
            Err(err) => Err(tag_error(boxed(err))),
        }
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
    Gone,
}

/// At most 128 characters, unique per (output, S3 event); without a sequencer, per output and process start.
fn caller_reference(output_key: &str, sequencer: Option<&str>) -> String {
    let reference = match sequencer {
        Some(sequencer) => format!("{sequencer}:{output_key}"),
        None => format!("{}:{output_key}", std::process::id()),
    };
    reference.chars().take(128).collect()
}
