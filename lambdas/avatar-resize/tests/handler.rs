//! The handler against a real S3 and CloudFront API: moto's server, started by the test. Events are the S3
//! notification fixture with the bucket, key and size filled in, as S3 would send them (keys form-encoded).
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use avatar_resize::handler::{Outcome, Resizer};
use avatar_resize::imaging::{self, Limits, OutputFormat, OutputSpec, SourceFormat};
use avatar_resize::settings::{Kind, Output, Settings};
use aws_lambda_events::event::s3::S3Event;
use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use aws_sdk_s3::primitives::ByteStream;
use test_support::{local_sdk_config, start_moto, Server};

const UPLOADS: &str = "test-uploads";
const ASSETS: &str = "test-assets";

struct Fixture {
    _moto: Server,
    resizer: Resizer,
    /// S3's per-key sequencer, as the uploads bucket would hand it out: greater for each later write.
    sequencer: AtomicU64,
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
                    alternates: vec![OutputFormat::Webp],
                },
                Output {
                    suffix: "_128".to_owned(),
                    spec: OutputSpec {
                        width: 128,
                        height: 128,
                        ..OutputSpec::avatar()
                    },
                    alternates: vec![OutputFormat::Webp],
                },
            ],
            cache_control: "public, max-age=86400".to_owned(),
        },
        limits: Limits::default(),
        max_input_bytes: 5_242_880,
        distribution_id,
        quota: None,
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
            quota: None,
        },
        sequencer: AtomicU64::new(0x0055_AED6_DCD9_0281),
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

/// The S3 notification for `key` (raw, as S3 encodes it) of `size` bytes, with the fixture's ETag and sequencer.
fn event(encoded_key: &str, size: usize) -> S3Event {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/events/object_created.json");
    let text = std::fs::read_to_string(path)
        .unwrap()
        .replace("UPLOADS_BUCKET", UPLOADS)
        .replace("OBJECT_KEY", encoded_key)
        .replace("\"size\": 0", &format!("\"size\": {size}"));
    serde_json::from_str(&text).unwrap()
}

/// One event carrying the records of `events`, in that order (S3 batches records; Lambda may see them reordered).
fn batch(events: &[&S3Event]) -> S3Event {
    let mut all = events[0].clone();
    all.records = events.iter().flat_map(|e| e.records.clone()).collect();
    all
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
    /// PUTs an original as a browser would and returns the event S3 sends for it: its size, ETag and the next
    /// sequencer.
    async fn upload(&self, key: &str, bytes: Vec<u8>) -> S3Event {
        self.upload_as(key, key, "image/jpeg", bytes).await
    }

    /// [`Fixture::upload`] with the `Content-Type` the uploader signed, for a key that S3 form-encodes in the
    /// event as `encoded_key`.
    async fn upload_as(
        &self,
        key: &str,
        encoded_key: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> S3Event {
        let size = bytes.len();
        let etag = self.put_typed(UPLOADS, key, content_type, bytes).await;
        let mut event = event(encoded_key, size);
        let object = &mut event.records[0].s3.object;
        object.e_tag = Some(etag);
        object.sequencer = Some(format!(
            "{:018X}",
            self.sequencer.fetch_add(1, Ordering::Relaxed) + 1
        ));
        event
    }

    /// Returns the object's ETag, unquoted as events carry it.
    async fn put(&self, bucket: &str, key: &str, bytes: Vec<u8>) -> String {
        self.put_typed(bucket, key, "image/jpeg", bytes).await
    }

    async fn put_typed(
        &self,
        bucket: &str,
        key: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> String {
        let put = self
            .resizer
            .s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .content_type(content_type)
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
        self.tags_in(UPLOADS, key).await
    }

    async fn asset_tags(&self, key: &str) -> Vec<(String, String)> {
        self.tags_in(ASSETS, key).await
    }

    async fn tags_in(&self, bucket: &str, key: &str) -> Vec<(String, String)> {
        let response = self
            .resizer
            .s3
            .get_object_tagging()
            .bucket(bucket)
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
    let event = f
        .upload("avatars/original/user-1", corpus("progressive.jpg"))
        .await;

    let outcomes = f.resizer.handle(event).await.unwrap();

    assert!(
        matches!(&outcomes[..], [Outcome::Written { output_key, output_keys, .. }]
        if output_key == "avatars/user-1.jpg" && output_keys[..] == [
            "avatars/user-1.jpg", "avatars/user-1.webp", "avatars/user-1_128.jpg", "avatars/user-1_128.webp"
        ]),
        "{outcomes:?}"
    );
    // Issue 17 item 4: each JPEG output also as WebP, same pixels, same name with its own extension.
    for (key, size) in [
        ("avatars/user-1.webp", 512),
        ("avatars/user-1_128.webp", 128),
    ] {
        let (webp, content_type, cache_control) = f.get(ASSETS, key).await.unwrap();
        assert_eq!(content_type.as_deref(), Some("image/webp"), "{key}");
        assert_eq!(cache_control.as_deref(), Some("public, max-age=86400"));
        assert_eq!(imaging::sniff(&webp), Some(SourceFormat::Webp), "{key}");
        let read_back = imaging::process(&webp, &OutputSpec::avatar(), &Limits::default()).unwrap();
        assert_eq!(
            (read_back.source.width, read_back.source.height),
            (size, size),
            "{key}"
        );
    }
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
        [
            "/avatars/user-1.jpg",
            "/avatars/user-1.json",
            "/avatars/user-1.webp",
            "/avatars/user-1_128.jpg",
            "/avatars/user-1_128.webp"
        ]
    );
}

/// Issue 17 item 1: each upload also writes immutable, versioned copies (version from the original's ETag) and a
/// manifest at a stable key naming them; a later upload gets a new version and the manifest follows it, while the
/// earlier copies stay as they were (a page that loaded them keeps working).
#[tokio::test]
async fn each_upload_writes_immutable_versioned_copies_and_a_manifest_naming_them() {
    let f = fixture(false).await;
    let key = "avatars/original/user-9";
    let first = f.upload(key, corpus("orientation_6.jpg")).await;
    let etag = f
        .resizer
        .s3
        .head_object()
        .bucket(UPLOADS)
        .key(key)
        .send()
        .await
        .unwrap()
        .e_tag()
        .unwrap()
        .to_owned();
    let outcomes = f.resizer.handle(first).await.unwrap();
    let version = match &outcomes[..] {
        [Outcome::Written {
            version: Some(version),
            ..
        }] => version.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        Some(version.clone()),
        pipeline_contract::delivery::version_of(&etag)
    );

    let (manifest, content_type, cache_control) =
        f.get(ASSETS, "avatars/user-9.json").await.unwrap();
    assert_eq!(content_type.as_deref(), Some("application/json"));
    assert_eq!(
        cache_control.as_deref(),
        Some("public, max-age=86400"),
        "as short-lived as the stable URLs"
    );
    let manifest: pipeline_contract::delivery::Manifest =
        serde_json::from_slice(&manifest).unwrap();
    assert_eq!(manifest.version, version);
    // Issue 17 item 3: a tiny preview of the main output rides in the manifest.
    let placeholder = manifest.placeholder.as_deref().unwrap();
    assert!(
        placeholder.starts_with("data:image/webp;base64,")
            && placeholder.len() <= pipeline_contract::delivery::MAX_PLACEHOLDER_BYTES,
        "{placeholder}"
    );
    let sizes: Vec<_> = manifest
        .images
        .iter()
        .map(|i| (i.key.clone(), i.width, i.height))
        .collect();
    assert_eq!(
        sizes,
        [
            (format!("avatars/user-9/{version}/512x512.jpg"), 512, 512),
            (format!("avatars/user-9/{version}/128x128.jpg"), 128, 128),
        ]
    );
    for image in &manifest.images {
        let alternates: Vec<_> = image
            .alternates
            .iter()
            .map(|a| (a.key.as_str(), a.content_type.as_str()))
            .collect();
        let webp = image.key.replace(".jpg", ".webp");
        assert_eq!(alternates, [(webp.as_str(), "image/webp")]);
        let (_, content_type, cache_control) = f.get(ASSETS, &webp).await.unwrap();
        assert_eq!(content_type.as_deref(), Some("image/webp"));
        assert_eq!(
            cache_control.as_deref(),
            Some("public, max-age=31536000, immutable")
        );
    }
    let (stable, _, _) = f.get(ASSETS, "avatars/user-9.jpg").await.unwrap();
    for image in &manifest.images {
        let (bytes, content_type, cache_control) = f.get(ASSETS, &image.key).await.unwrap();
        assert_eq!(content_type.as_deref(), Some("image/jpeg"));
        assert_eq!(
            cache_control.as_deref(),
            Some("public, max-age=31536000, immutable")
        );
        let decoded = turbojpeg::decompress(&bytes, turbojpeg::PixelFormat::RGB).unwrap();
        assert_eq!(
            (decoded.width as u32, decoded.height as u32),
            (image.width, image.height)
        );
    }
    let (main_copy, _, _) = f.get(ASSETS, &manifest.images[0].key).await.unwrap();
    assert_eq!(
        main_copy, stable,
        "the stable URL serves the newest version's bytes"
    );

    let second = f.upload(key, corpus("orientation_1.jpg")).await;
    assert_eq!(outcome(&f.resizer.handle(second).await.unwrap()), "written");
    let (manifest_after, _, _) = f.get(ASSETS, "avatars/user-9.json").await.unwrap();
    let manifest_after: pipeline_contract::delivery::Manifest =
        serde_json::from_slice(&manifest_after).unwrap();
    assert_ne!(
        manifest_after.version, version,
        "a new upload is a new version"
    );
    let (old_copy, _, _) = f.get(ASSETS, &manifest.images[0].key).await.unwrap();
    assert_eq!(old_copy, main_copy, "a version's copies never change");

    // The replaced version's copies are marked for the bucket's lifecycle rule; the new ones are not.
    let superseded = [("avatar-version".to_owned(), "superseded".to_owned())];
    for image in &manifest.images {
        assert_eq!(f.asset_tags(&image.key).await, superseded, "{}", image.key);
        let webp = &image.alternates[0].key;
        assert_eq!(f.asset_tags(webp).await, superseded, "{webp}");
    }
    for image in &manifest_after.images {
        assert_eq!(f.asset_tags(&image.key).await, [], "{}", image.key);
    }
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
    let event = f
        .upload("avatars/original/user-2", corpus("page.jpg"))
        .await;

    let outcomes = f.resizer.handle(event).await.unwrap();

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
    let mut event = f
        .upload("avatars/original/user-5", corpus("progressive.jpg"))
        .await;

    // The event says 6 MB; the limit is 5 MiB: refused from the event alone.
    event.records[0].s3.object.size = Some(6_000_000);
    let outcomes = f.resizer.handle(event).await.unwrap();

    assert!(
        matches!(&outcomes[..], [Outcome::Rejected { reason, .. }] if reason == "too-large"),
        "{outcomes:?}"
    );
    assert!(f.get(ASSETS, "avatars/user-5.jpg").await.is_none());
    assert!(
        f.get(UPLOADS, "avatars/original/user-5").await.is_none(),
        "deleted on arrival, not kept until the lifecycle rule"
    );
}

/// Issue 19 item 5: an object of a type the kind does not take (whatever upload path let it in) is deleted
/// without its body being read; an oversized event for an original that was replaced since leaves the
/// replacement alone.
#[tokio::test]
async fn a_wrong_type_is_deleted_unread_and_a_newer_original_is_never_deleted() {
    let f = fixture(false).await;
    f.put(
        ASSETS,
        "avatars/user-11.jpg",
        b"the current avatar".to_vec(),
    )
    .await;
    let html = f
        .upload_as(
            "avatars/original/user-11",
            "avatars/original/user-11",
            "text/html",
            corpus("progressive.jpg"),
        )
        .await;

    let outcomes = f.resizer.handle(html).await.unwrap();

    assert!(
        matches!(&outcomes[..], [Outcome::Rejected { reason, .. }] if reason == "type-not-allowed"),
        "{outcomes:?}"
    );
    assert!(f.get(UPLOADS, "avatars/original/user-11").await.is_none());
    let (current, _, _) = f.get(ASSETS, "avatars/user-11.jpg").await.unwrap();
    assert_eq!(current, b"the current avatar");

    let mut oversized = f
        .upload("avatars/original/user-12", corpus("progressive.jpg"))
        .await;
    oversized.records[0].s3.object.size = Some(6_000_000);
    let newer = f
        .upload("avatars/original/user-12", corpus("orientation_1.jpg"))
        .await;
    let outcomes = f.resizer.handle(oversized).await.unwrap();
    assert!(
        matches!(&outcomes[..], [Outcome::Rejected { reason, .. }] if reason == "too-large"),
        "{outcomes:?}"
    );
    assert!(
        f.get(UPLOADS, "avatars/original/user-12").await.is_some(),
        "the delete is conditional on the event's ETag"
    );
    assert_eq!(outcome(&f.resizer.handle(newer).await.unwrap()), "written");
}

#[tokio::test]
async fn keys_outside_the_originals_prefix_are_ignored() {
    let f = fixture(false).await;
    let event = f
        .upload("banners/original/user-3", corpus("progressive.jpg"))
        .await;

    let outcomes = f.resizer.handle(event).await.unwrap();

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
    let event = f
        .upload_as(
            "avatars/original/user 4+é",
            "avatars/original/user+4%2B%C3%A9",
            "image/jpeg",
            corpus("grayscale.jpg"),
        )
        .await;

    let outcomes = f.resizer.handle(event).await.unwrap();

    assert!(
        matches!(&outcomes[..], [Outcome::Written { .. }]),
        "{outcomes:?}"
    );
    assert!(f.get(ASSETS, "avatars/user 4+é.jpg").await.is_some());
}

/// The outcome of a one-record batch, as a word.
fn outcome(outcomes: &[Outcome]) -> &'static str {
    match outcomes {
        [Outcome::Written { .. }] => "written",
        [Outcome::Ignored { why, .. }] if why.contains("already made from this upload") => {
            "already done"
        }
        [Outcome::Ignored { why, .. }] if why.contains("from a later upload") => "superseded",
        [Outcome::Ignored { why, .. }] if why.contains("changed since this event") => "changed",
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_repeated_event_is_a_no_op_but_a_retry_after_a_partial_write_completes_the_set() {
    let f = fixture(true).await;
    let event = f
        .upload("avatars/original/user-6", corpus("orientation_6.jpg"))
        .await;

    assert_eq!(
        outcome(&f.resizer.handle(event.clone()).await.unwrap()),
        "written"
    );
    let (first, _, _) = f.get(ASSETS, "avatars/user-6.jpg").await.unwrap();
    // Both stable outputs, their WebP alternates and the manifest, in one invalidation.
    assert_eq!(f.invalidated_paths().await.len(), 5);
    // S3 delivers the same event twice: nothing is downloaded, written or invalidated again.
    assert_eq!(
        outcome(&f.resizer.handle(event.clone()).await.unwrap()),
        "already done"
    );
    assert_eq!(f.invalidated_paths().await.len(), 5);

    // A write failed after the small output: Lambda retries, and the retry writes the set again, byte-identical.
    f.resizer
        .s3
        .delete_object()
        .bucket(ASSETS)
        .key("avatars/user-6.jpg")
        .send()
        .await
        .unwrap();
    assert_eq!(outcome(&f.resizer.handle(event).await.unwrap()), "written");
    let (again, _, _) = f.get(ASSETS, "avatars/user-6.jpg").await.unwrap();
    assert_eq!(first, again);
}

/// Issue 18 finding 5: a presigned URL can be reused until it expires. The same bytes PUT again (same ETag) are
/// not downloaded or decoded again; different bytes are processed.
#[tokio::test]
async fn the_same_upload_again_is_not_reprocessed_but_a_changed_one_is() {
    let f = fixture(false).await;
    let key = "avatars/original/user-7";
    let first = f.upload(key, corpus("orientation_6.jpg")).await;
    assert_eq!(outcome(&f.resizer.handle(first).await.unwrap()), "written");
    let (before, _, _) = f.get(ASSETS, "avatars/user-7.jpg").await.unwrap();

    // The same bytes through the same URL: a later sequencer, the same ETag. One HEAD, no decode.
    let again = f.upload(key, corpus("orientation_6.jpg")).await;
    assert_eq!(
        outcome(&f.resizer.handle(again).await.unwrap()),
        "already done"
    );

    let changed = f.upload(key, corpus("orientation_1.jpg")).await;
    assert_eq!(
        outcome(&f.resizer.handle(changed).await.unwrap()),
        "written"
    );
    let (after, _, _) = f.get(ASSETS, "avatars/user-7.jpg").await.unwrap();
    assert_ne!(before, after, "the changed upload replaced the avatar");
}

/// Issue 19 item 4: events arrive out of order. An older upload's event, late, neither downloads the original
/// (it is now the newer upload's bytes) nor replaces outputs that a later upload wrote.
#[tokio::test]
async fn an_older_event_arriving_late_changes_nothing() {
    let f = fixture(false).await;
    let key = "avatars/original/user-8";
    let older = f.upload(key, corpus("orientation_6.jpg")).await;
    let newer = f.upload(key, corpus("orientation_1.jpg")).await;

    // In one batch, reordered and with a duplicate: the newer upload is written once, the rest change nothing.
    let outcomes = f
        .resizer
        .handle(batch(&[&newer, &older, &newer]))
        .await
        .unwrap();
    let words: Vec<_> = outcomes.chunks(1).map(outcome).collect();
    assert_eq!(words, ["written", "superseded", "already done"]);
    let (main, _, _) = f.get(ASSETS, "avatars/user-8.jpg").await.unwrap();
    let (small, _, _) = f.get(ASSETS, "avatars/user-8_128.jpg").await.unwrap();

    // And the older event on its own, later again: still nothing.
    assert_eq!(
        outcome(&f.resizer.handle(older).await.unwrap()),
        "superseded"
    );
    assert_eq!(f.get(ASSETS, "avatars/user-8.jpg").await.unwrap().0, main);
    assert_eq!(
        f.get(ASSETS, "avatars/user-8_128.jpg").await.unwrap().0,
        small
    );
}

/// The original was replaced between the event and the download: `If-Match` on the event's ETag fails, nothing is
/// written, and the replacement's own event makes the outputs.
#[tokio::test]
async fn an_event_whose_original_was_replaced_is_skipped_for_the_replacements_event() {
    let f = fixture(false).await;
    let key = "avatars/original/user-9";
    let older = f.upload(key, corpus("orientation_6.jpg")).await;
    let newer = f.upload(key, corpus("orientation_1.jpg")).await;

    assert_eq!(outcome(&f.resizer.handle(older).await.unwrap()), "changed");
    assert!(f.get(ASSETS, "avatars/user-9.jpg").await.is_none());
    assert!(
        f.tags(key).await.is_empty(),
        "the newer object is not tagged"
    );
    assert_eq!(outcome(&f.resizer.handle(newer).await.unwrap()), "written");
}

/// Two events for one user processed at once: each output is a conditional PUT that gives way to a later upload's
/// output, so a slower, older invocation cannot overwrite part of the newer set. Here the newer invocation has
/// written the small output and not yet the main one when the older one reaches its writes.
#[tokio::test]
async fn an_older_invocation_gives_way_to_a_newer_ones_outputs_mid_write() {
    let f = fixture(false).await;
    let older = f
        .upload("avatars/original/user-10", corpus("orientation_6.jpg"))
        .await;
    let later = format!("{:018X}", f.sequencer.load(Ordering::Relaxed) + 5);
    f.resizer
        .s3
        .put_object()
        .bucket(ASSETS)
        .key("avatars/user-10_128.jpg")
        .metadata("source-sequencer", &later)
        .body(ByteStream::from(
            b"the newer upload's small output".to_vec(),
        ))
        .send()
        .await
        .unwrap();

    let outcomes = f.resizer.handle(older).await.unwrap();

    assert!(
        matches!(&outcomes[..], [Outcome::Ignored { why, .. }]
            if why == &format!("avatars/user-10_128.jpg is already from a later upload (sequencer {later})")),
        "{outcomes:?}"
    );
    let (small, _, _) = f.get(ASSETS, "avatars/user-10_128.jpg").await.unwrap();
    assert_eq!(small, b"the newer upload's small output");
    assert!(
        f.get(ASSETS, "avatars/user-10.jpg").await.is_none(),
        "the main output, which marks a complete set, is not written from the older upload"
    );
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

    // The assets bucket is missing: writing fails, and the message is reported so that SQS delivers it again; the
    // batch's other message (a test event) is done.
    let event = f
        .upload("avatars/original/user-7", corpus("grayscale.jpg"))
        .await;
    let mut broken = Resizer {
        settings: settings(None),
        s3: f.resizer.s3.clone(),
        cloudfront: f.resizer.cloudfront.clone(),
        quota: None,
    };
    broken.settings.assets_bucket = "no-such-bucket".to_owned();
    let err = broken.handle(event.clone()).await.unwrap_err();
    let diagnostic: lambda_runtime::Diagnostic = err.into();
    assert_eq!(diagnostic.error_type, "S3WriteFailed");
    let test_event = r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"test-uploads"}"#;
    let mut batch = SqsEvent::default();
    batch.records = vec![
        queue_message("m-1", &serde_json::to_string(&event).unwrap()),
        queue_message("m-2", test_event),
    ];
    let response = broken.handle_queue(batch).await;
    let failed: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(failed, ["m-1"]);
}

fn queue_message(id: &str, body: &str) -> SqsMessage {
    let mut message = SqsMessage::default();
    message.message_id = Some(id.to_owned());
    message.body = Some(body.to_owned());
    message
}

/// Issue 28 item 2: a presigned URL takes any number of changed PUTs until it expires. Each costs one of the
/// user's hourly resizes before the original is read; past the budget the original is deleted unread and the
/// current avatar stays, while another user's upload is processed.
#[tokio::test]
async fn a_user_past_the_hourly_resize_budget_is_refused_unread_and_others_are_not() {
    let mut f = fixture(false).await;
    let sdk = local_sdk_config(&f._moto.endpoint, "local", "local");
    let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
    test_support::create_quota_table(&dynamodb, "quota").await;
    f.resizer.quota = Some(user_quota::Quota {
        settings: user_quota::QuotaSettings {
            table: "quota".to_owned(),
            counter: user_quota::Counter::Resizes,
            per_hour: 2,
        },
        dynamodb,
    });
    let mut written = 0;
    let mut refused = Vec::new();
    for i in 0..4u8 {
        // Changed bytes each time, as a reused URL with new content would write.
        let mut bytes = corpus("grayscale.jpg");
        bytes.extend_from_slice(&[i; 16]);
        let key = "avatars/original/flooder";
        let event = f.upload(key, bytes).await;
        match &f.resizer.handle(event).await.unwrap()[..] {
            [Outcome::Written { .. }] => written += 1,
            [Outcome::Rejected { reason, .. }] => {
                refused.push(reason.clone());
                assert!(
                    f.get(UPLOADS, key).await.is_none(),
                    "the refused original is deleted"
                );
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(written, 2);
    assert_eq!(refused, ["resize-budget-spent", "resize-budget-spent"]);
    assert!(
        f.get(ASSETS, "avatars/flooder.jpg").await.is_some(),
        "the avatar from within the budget stays"
    );
    let event = f
        .upload("avatars/original/neighbour", corpus("grayscale.jpg"))
        .await;
    let outcomes = f.resizer.handle(event).await.unwrap();
    assert!(
        matches!(&outcomes[..], [Outcome::Written { .. }]),
        "{outcomes:?}"
    );
}
