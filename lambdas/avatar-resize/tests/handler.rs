//! The handler against a real S3 and CloudFront API: moto's server, started by the test. Events are the S3
//! notification fixture with the bucket, key and size filled in, as S3 would send them (keys form-encoded).
#![allow(clippy::unwrap_used)]

use std::path::Path;

use avatar_resize::handler::{Outcome, Resizer};
use avatar_resize::imaging::{Limits, OutputSpec};
use avatar_resize::settings::{Kind, Output, Settings};
use aws_lambda_events::event::s3::S3Event;
use aws_sdk_s3::primitives::ByteStream;
use test_support::{local_sdk_config, start_moto, Server};

const UPLOADS: &str = "test-uploads";
const ASSETS: &str = "test-assets";

struct Fixture {
    _moto: Server,
    resizer: Resizer,
}

fn settings(distribution_id: Option<String>) -> Settings {
    Settings {
        assets_bucket: ASSETS.to_owned(),
        // The avatar's contract plus a second, smaller output: both are written together, or neither.
        kind: Kind {
            name: "avatar".to_owned(),
            originals_prefix: "avatars/original/".to_owned(),
            output_prefix: "avatars/".to_owned(),
            outputs: vec![
                Output {
                    suffix: String::new(),
                    spec: OutputSpec::avatar(),
                },
                Output {
                    suffix: "_128".to_owned(),
                    spec: OutputSpec {
                        width: 128,
                        height: 128,
                        ..OutputSpec::avatar()
                    },
                },
            ],
            cache_control: "public, max-age=86400".to_owned(),
        },
        limits: Limits::default(),
        max_input_bytes: 5_242_880,
        distribution_id,
    }
}

async fn fixture(with_cdn: bool) -> Fixture {
    let moto = start_moto();
    let sdk = local_sdk_config(&moto.endpoint, "testing", "testing");
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    let cloudfront = aws_sdk_cloudfront::Client::new(&sdk);
    for bucket in [UPLOADS, ASSETS] {
        s3.create_bucket().bucket(bucket).send().await.unwrap();
    }
    let distribution_id = if with_cdn {
        Some(create_distribution(&cloudfront).await)
    } else {
        None
    };
    Fixture {
        _moto: moto,
        resizer: Resizer {
            settings: settings(distribution_id),
            s3,
            cloudfront,
        },
    }
}

async fn create_distribution(cloudfront: &aws_sdk_cloudfront::Client) -> String {
    use aws_sdk_cloudfront::types::*;
    let origin = Origin::builder()
        .id("assets")
        .domain_name(format!("{ASSETS}.s3.us-east-1.amazonaws.com"))
        .s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
        .build()
        .unwrap();
    let config = DistributionConfig::builder()
        .caller_reference("handler-test")
        .comment("avatar-resize handler test")
        .enabled(true)
        .origins(
            Origins::builder()
                .quantity(1)
                .items(origin)
                .build()
                .unwrap(),
        )
        .default_cache_behavior(
            DefaultCacheBehavior::builder()
                .target_origin_id("assets")
                .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
                .cache_policy_id("658327ea-f89d-4fab-a63d-7e88639e58f6")
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let created = cloudfront
        .create_distribution()
        .distribution_config(config)
        .send()
        .await
        .unwrap();
    created.distribution().unwrap().id().to_owned()
}

/// The S3 notification for `key` (raw, as S3 encodes it) of `size` bytes.
fn event(encoded_key: &str, size: usize) -> S3Event {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/events/object_created.json");
    let text = std::fs::read_to_string(path)
        .unwrap()
        .replace("UPLOADS_BUCKET", UPLOADS)
        .replace("OBJECT_KEY", encoded_key)
        .replace("\"size\": 0", &format!("\"size\": {size}"));
    serde_json::from_str(&text).unwrap()
}

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/hostile")
            .join(name),
    )
    .unwrap()
}

impl Fixture {
    /// Returns the object's ETag, unquoted as events carry it.
    async fn put(&self, bucket: &str, key: &str, bytes: Vec<u8>) -> String {
        let put = self
            .resizer
            .s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .unwrap();
        put.e_tag().unwrap_or_default().trim_matches('"').to_owned()
    }

    async fn get(
        &self,
        bucket: &str,
        key: &str,
    ) -> Option<(Vec<u8>, Option<String>, Option<String>)> {
        let response = self
            .resizer
            .s3
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .ok()?;
        let content_type = response.content_type().map(str::to_owned);
        let cache_control = response.cache_control().map(str::to_owned);
        let bytes = response.body.collect().await.unwrap().into_bytes().to_vec();
        Some((bytes, content_type, cache_control))
    }

    async fn tags(&self, key: &str) -> Vec<(String, String)> {
        let response = self
            .resizer
            .s3
            .get_object_tagging()
            .bucket(UPLOADS)
            .key(key)
            .send()
            .await
            .unwrap();
        let mut tags: Vec<_> = response
            .tag_set()
            .iter()
            .map(|t| (t.key().to_owned(), t.value().to_owned()))
            .collect();
        tags.sort();
        tags
    }

    async fn invalidated_paths(&self) -> Vec<String> {
        let Some(distribution) = &self.resizer.settings.distribution_id else {
            return Vec::new();
        };
        let cloudfront = &self.resizer.cloudfront;
        let list = cloudfront
            .list_invalidations()
            .distribution_id(distribution)
            .send()
            .await
            .unwrap();
        let mut paths = Vec::new();
        for summary in list
            .invalidation_list()
            .map(|l| l.items())
            .unwrap_or_default()
        {
            let got = cloudfront
                .get_invalidation()
                .distribution_id(distribution)
                .id(summary.id())
                .send()
                .await
                .unwrap();
            let batch = got.invalidation().unwrap().invalidation_batch().unwrap();
            paths.extend(batch.paths().unwrap().items().iter().cloned());
        }
        paths
    }
}

#[tokio::test]
async fn a_new_original_becomes_the_avatar_and_its_cdn_path_is_invalidated() {
    let f = fixture(true).await;
    let original = corpus("progressive.jpg");
    f.put(UPLOADS, "avatars/original/user-1", original.clone())
        .await;

    let outcomes = f
        .resizer
        .handle(event("avatars/original/user-1", original.len()))
        .await
        .unwrap();

    assert!(
        matches!(&outcomes[..], [Outcome::Written { output_key, output_keys, .. }]
            if output_key == "avatars/user-1.jpg" && output_keys[..] == ["avatars/user-1.jpg", "avatars/user-1_128.jpg"]),
        "{outcomes:?}"
    );
    let (small, _, _) = f.get(ASSETS, "avatars/user-1_128.jpg").await.unwrap();
    let small = turbojpeg::decompress(&small, turbojpeg::PixelFormat::RGB).unwrap();
    assert_eq!((small.width, small.height), (128, 128));
    let (bytes, content_type, cache_control) = f.get(ASSETS, "avatars/user-1.jpg").await.unwrap();
    let image = turbojpeg::decompress(&bytes, turbojpeg::PixelFormat::RGB).unwrap();
    assert_eq!((image.width, image.height), (512, 512));
    assert_eq!(content_type.as_deref(), Some("image/jpeg"));
    assert_eq!(cache_control.as_deref(), Some("public, max-age=86400"));
    assert_eq!(
        f.tags("avatars/original/user-1").await,
        [("avatar-status".to_owned(), "processed".to_owned())]
    );
    let mut invalidated = f.invalidated_paths().await;
    invalidated.sort();
    assert_eq!(
        invalidated,
        ["/avatars/user-1.jpg", "/avatars/user-1_128.jpg"]
    );
}

#[tokio::test]
async fn a_bad_image_is_tagged_rejected_and_the_current_avatar_is_kept() {
    let f = fixture(false).await;
    f.put(ASSETS, "avatars/user-2.jpg", b"the current avatar".to_vec())
        .await;
    f.put(
        ASSETS,
        "avatars/user-2_128.jpg",
        b"the current small avatar".to_vec(),
    )
    .await;
    let junk = corpus("page.jpg");
    f.put(UPLOADS, "avatars/original/user-2", junk.clone())
        .await;

    let outcomes = f
        .resizer
        .handle(event("avatars/original/user-2", junk.len()))
        .await
        .unwrap();

    assert_eq!(
        outcomes,
        [Outcome::Rejected {
            key: "avatars/original/user-2".to_owned(),
            reason: "unsupported-format".to_owned()
        }]
    );
    assert_eq!(
        f.tags("avatars/original/user-2").await,
        [
            ("avatar-reason".to_owned(), "unsupported-format".to_owned()),
            ("avatar-status".to_owned(), "rejected".to_owned())
        ]
    );
    let (small, _, _) = f.get(ASSETS, "avatars/user-2_128.jpg").await.unwrap();
    assert_eq!(small, b"the current small avatar");
    let (current, _, _) = f.get(ASSETS, "avatars/user-2.jpg").await.unwrap();
    assert_eq!(current, b"the current avatar");
}

#[tokio::test]
async fn an_original_above_the_size_limit_is_rejected_without_being_processed() {
    let f = fixture(false).await;
    f.put(
        UPLOADS,
        "avatars/original/user-5",
        corpus("progressive.jpg"),
    )
    .await;

    // The event says 6 MB; the limit is 5 MiB: refused from the event alone.
    let outcomes = f
        .resizer
        .handle(event("avatars/original/user-5", 6_000_000))
        .await
        .unwrap();

    assert!(
        matches!(&outcomes[..], [Outcome::Rejected { reason, .. }] if reason == "too-large"),
        "{outcomes:?}"
    );
    assert!(f.get(ASSETS, "avatars/user-5.jpg").await.is_none());
}

#[tokio::test]
async fn keys_outside_the_originals_prefix_are_ignored() {
    let f = fixture(false).await;
    f.put(
        UPLOADS,
        "banners/original/user-3",
        corpus("progressive.jpg"),
    )
    .await;

    let outcomes = f
        .resizer
        .handle(event("banners/original/user-3", 2554))
        .await
        .unwrap();

    assert!(
        matches!(&outcomes[..], [Outcome::Ignored { .. }]),
        "{outcomes:?}"
    );
    assert!(f.get(ASSETS, "avatars/user-3.jpg").await.is_none());
    assert!(f.tags("banners/original/user-3").await.is_empty());
}

#[tokio::test]
async fn url_encoded_keys_are_decoded() {
    let f = fixture(false).await;
    f.put(
        UPLOADS,
        "avatars/original/user 4+é",
        corpus("grayscale.jpg"),
    )
    .await;

    let outcomes = f
        .resizer
        .handle(event("avatars/original/user+4%2B%C3%A9", 366))
        .await
        .unwrap();

    assert!(
        matches!(&outcomes[..], [Outcome::Written { .. }]),
        "{outcomes:?}"
    );
    assert!(f.get(ASSETS, "avatars/user 4+é.jpg").await.is_some());
}

#[tokio::test]
async fn a_retried_event_writes_the_same_bytes() {
    let f = fixture(true).await;
    let original = corpus("orientation_6.jpg");
    f.put(UPLOADS, "avatars/original/user-6", original.clone())
        .await;
    let event = || event("avatars/original/user-6", original.len());

    f.resizer.handle(event()).await.unwrap();
    let (first, _, _) = f.get(ASSETS, "avatars/user-6.jpg").await.unwrap();
    f.resizer.handle(event()).await.unwrap();
    let (second, _, _) = f.get(ASSETS, "avatars/user-6.jpg").await.unwrap();

    assert_eq!(first, second);
}

/// Issue 18 finding 5: a presigned URL can be reused until it expires. The same bytes PUT again (same ETag) are
/// not downloaded or decoded again; different bytes are processed.
#[tokio::test]
async fn the_same_upload_again_is_not_reprocessed_but_a_changed_one_is() {
    let f = fixture(false).await;
    let key = "avatars/original/user-7";
    let first = corpus("orientation_6.jpg");
    let event_for = |bytes: &[u8], etag: &str| {
        let mut event = event(key, bytes.len());
        event.records[0].s3.object.e_tag = Some(etag.to_owned());
        event
    };
    let outcome = |outcomes: Vec<Outcome>| match outcomes.as_slice() {
        [Outcome::Written { .. }] => "written",
        [Outcome::Ignored { why, .. }] if why.contains("already made from this upload") => {
            "skipped"
        }
        other => panic!("{other:?}"),
    };

    let etag = f.put(UPLOADS, key, first.clone()).await;
    let handle = |event| f.resizer.handle(event);
    assert_eq!(
        outcome(handle(event_for(&first, &etag)).await.unwrap()),
        "written"
    );
    // The event again (S3 redelivers), then the same bytes through the same URL: one HEAD each, no decode.
    assert_eq!(
        outcome(handle(event_for(&first, &etag)).await.unwrap()),
        "skipped"
    );
    let again = f.put(UPLOADS, key, first.clone()).await;
    assert_eq!(again, etag);
    assert_eq!(
        outcome(handle(event_for(&first, &again)).await.unwrap()),
        "skipped"
    );
    let (before, _, _) = f.get(ASSETS, "avatars/user-7.jpg").await.unwrap();

    let changed = corpus("orientation_1.jpg");
    let new_etag = f.put(UPLOADS, key, changed.clone()).await;
    assert_ne!(new_etag, etag);
    assert_eq!(
        outcome(handle(event_for(&changed, &new_etag)).await.unwrap()),
        "written"
    );
    let (after, _, _) = f.get(ASSETS, "avatars/user-7.jpg").await.unwrap();
    assert_ne!(before, after, "the changed upload replaced the avatar");
}

#[tokio::test]
async fn a_deleted_original_is_ignored_and_a_missing_bucket_is_a_retryable_error() {
    let f = fixture(false).await;
    let outcomes = f
        .resizer
        .handle(event("avatars/original/gone", 10))
        .await
        .unwrap();
    assert!(
        matches!(&outcomes[..], [Outcome::Ignored { why, .. }] if why.contains("no longer exists")),
        "{outcomes:?}"
    );

    // The assets bucket is missing: writing fails, and the invocation fails so that Lambda retries.
    f.put(UPLOADS, "avatars/original/user-7", corpus("grayscale.jpg"))
        .await;
    let mut broken = Resizer {
        settings: settings(None),
        s3: f.resizer.s3.clone(),
        cloudfront: f.resizer.cloudfront.clone(),
    };
    broken.settings.assets_bucket = "no-such-bucket".to_owned();
    let err = broken
        .handle(event("avatars/original/user-7", 366))
        .await
        .unwrap_err();
    let diagnostic: lambda_runtime::Diagnostic = err.into();
    assert_eq!(diagnostic.error_type, "S3WriteFailed");
}
