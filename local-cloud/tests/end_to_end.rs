//! The pipeline as a user meets it, on the local cloud: the API (JWT, CORS, routes), a presigned upload to an S3
//! that checks signatures, the S3 event, the resize handler, and the avatar on the CDN URL.
//!
//! One test, one stack (starting it applies envs/local, about a minute), several steps in order.
#![allow(clippy::unwrap_used)] // a failed step should stop the test where it happened

use std::time::{Duration, Instant};

use local_cloud::client::Client;
use local_cloud::{Stack, StackOptions};
use serde_json::json;

const ALICE: &str = "0b8e2f4c-1d3a-4c5e-8f7a-9b0c1d2e3f40";
const BOB: &str = "7c6d5e4f-3a2b-4c1d-9e8f-0a1b2c3d4e5f";

/// What Chromium sends for an `<img>`.
const CHROMIUM_IMAGE_ACCEPT: &str =
    "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";

fn fixture(name: &str) -> Vec<u8> {
    let path = test_support::repo_root()
        .join("lambdas/avatar-resize/tests/hostile")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// Asserts `bytes` are a `size`×`size` JPEG.
fn assert_avatar(bytes: &[u8], size: u32) {
    assert_jpeg(bytes, size, size);
}

/// Asserts `bytes` are a `width`×`height` JPEG.
fn assert_jpeg(bytes: &[u8], width: u32, height: u32) {
    let format = image::guess_format(bytes).unwrap_or_else(|err| {
        panic!(
            "not an image ({err}): {} bytes, {:?}",
            bytes.len(),
            &bytes[..bytes.len().min(64)]
        )
    });
    assert_eq!(format, image::ImageFormat::Jpeg);
    let decoded = image::load_from_memory(bytes).expect("the avatar decodes");
    assert_eq!((decoded.width(), decoded.height()), (width, height));
}

/// Waits until the resizer's `avatar-status` tag on an original is `expected` (`processed` or `rejected`).
fn wait_for_status(stack: &Stack, key: &str, expected: &str) {
    let s3 = stack.s3();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let tags = stack
            .block_on(
                s3.get_object_tagging()
                    .bucket(&stack.config.buckets.uploads)
                    .key(key)
                    .send(),
            )
            .and_then(Result::ok)
            .map(|out| out.tag_set)
            .unwrap_or_default();
        let status = tags
            .iter()
            .find(|t| t.key == "avatar-status")
            .map(|t| t.value.clone());
        if status.as_deref() == Some(expected) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "avatar-status of {key} is {status:?}, not {expected:?}, after 15 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn uploads_through_the_api_become_avatars_on_the_cdn() {
    let stack = Stack::start(StackOptions::default()).unwrap_or_else(|err| panic!("{err:#}"));
    let client = Client::new(&stack.urls.api);
    let alice = stack.token(ALICE).expect("token");
    let upload_body = json!({ "content_type": "image/jpeg", "content_length": 1000 });

    // The API: no token, a forged token, an unknown route.
    let answer = client.key_upload(None, &upload_body).unwrap();
    assert_eq!(answer.status, 401, "no token");
    let forged = format!("{}x", &alice[..alice.len() - 1]);
    assert_eq!(
        client
            .key_upload(Some(&forged), &upload_body)
            .unwrap()
            .status,
        401,
        "forged signature"
    );
    assert_eq!(
        client
            .get(&format!("{}/avatars/nope", stack.urls.api))
            .unwrap()
            .status,
        404
    );

    // CORS as configured: the app's origin may call the API, another origin may not.
    let route = format!("{}/avatars/key_upload", stack.urls.api);
    let allowed = &stack.config.api.cors_origins[0];
    let preflight = client.preflight(&route, allowed).unwrap();
    assert_eq!(preflight.allow_origin.as_deref(), Some(allowed.as_str()));
    let foreign = client.preflight(&route, "http://evil.example").unwrap();
    assert_eq!(
        foreign.allow_origin, None,
        "a foreign origin gets no CORS grant"
    );

    // Issue 17 item 5: before any upload, the stable URLs of every kind answer the neutral default image with 200
    // (the distribution's answer for a key the bucket lacks), cached like a stable URL.
    for kind in ["avatars", "banners"] {
        let missing = client
            .get(&format!("{}/{kind}/{ALICE}.jpg", stack.urls.cdn))
            .unwrap();
        assert_eq!(
            (missing.status, missing.content_type.as_deref()),
            (200, Some("image/png")),
            "{kind}: a user without one gets the default"
        );
        assert_eq!(missing.body, local_cloud::cdn::DEFAULT_IMAGE);
        assert_eq!(
            missing.etag.as_deref(),
            Some(local_cloud::cdn::default_image_etag().as_str())
        );
    }

    // A JPEG: the avatar appears on the CDN as a 512×512 JPEG within a few seconds.
    let started = Instant::now();
    let upload = client
        .upload(&alice, "image/jpeg", &fixture("progressive.jpg"))
        .unwrap();
    let avatar_url = upload["avatar_url"].as_str().unwrap().to_owned();
    assert!(
        avatar_url.starts_with(&stack.urls.cdn),
        "{avatar_url} is on the local CDN"
    );
    assert!(avatar_url.ends_with(&format!("/avatars/{ALICE}.jpg")));
    let first = client
        .wait_for_new(&avatar_url, None, Duration::from_secs(10))
        .unwrap();
    eprintln!("JPEG upload → avatar on the CDN in {:?}", started.elapsed());
    assert_avatar(&first.body, 512);

    // Issue 17 item 3: the profile answer names the same URL (and the manifest, and every size for srcset).
    let profile = client
        .call("GET", "/api/profile", Some(&alice), None)
        .unwrap()
        .json();
    assert_eq!(profile["images"]["avatar"]["url"], avatar_url.as_str());
    assert_eq!(
        profile["images"]["avatar"]["manifest_url"],
        avatar_url.replace(".jpg", ".json").as_str()
    );
    assert!(profile["images"]["avatar"]["srcset"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{avatar_url} 512w")));
    let manifest = client
        .get(
            profile["images"]["avatar"]["manifest_url"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
    assert_eq!(manifest.status, 200);
    assert_eq!(manifest.json()["kind"], "avatar");

    // Issue 17 item 4: the same URLs, stable and versioned, answer WebP to a browser that names it in Accept and
    // the JPEG to one that does not, through the distribution's own function.
    let versioned = format!(
        "{}/{}",
        stack.urls.cdn,
        manifest.json()["images"][0]["key"].as_str().unwrap()
    );
    for url in [&avatar_url, &versioned] {
        let webp = client.get_accepting(url, CHROMIUM_IMAGE_ACCEPT).unwrap();
        assert_eq!(
            (webp.status, webp.content_type.as_deref()),
            (200, Some("image/webp")),
            "{url}"
        );
        assert_eq!(&webp.body[..4], b"RIFF", "{url}");
        assert_eq!(&webp.body[8..12], b"WEBP", "{url}");
        let jpeg = client.get_accepting(url, "image/jpeg,*/*;q=0.8").unwrap();
        assert_eq!(jpeg.content_type.as_deref(), Some("image/jpeg"), "{url}");
        assert_avatar(&jpeg.body, 512);
        assert!(
            webp.body.len() < jpeg.body.len(),
            "WebP {} bytes, JPEG {} bytes",
            webp.body.len(),
            jpeg.body.len()
        );
        eprintln!(
            "{url}: WebP {} bytes, JPEG {} bytes",
            webp.body.len(),
            jpeg.body.len()
        );
    }

    // A PNG with alpha, then a WebP, by the same user: each replaces the avatar, and the CDN serves the new one.
    let second_upload = client
        .upload(&alice, "image/png", &fixture("palette_trns.png"))
        .unwrap();
    let second = client
        .wait_for_new(&avatar_url, first.etag.as_deref(), Duration::from_secs(10))
        .unwrap();
    assert_avatar(&second.body, 512);
    assert_ne!(
        second.body, first.body,
        "the PNG replaced the JPEG's avatar"
    );
    assert_eq!(second_upload["key"], upload["key"], "one original per user");

    client
        .upload(&alice, "image/webp", &fixture("lossless_alpha.webp"))
        .unwrap();
    let third = client
        .wait_for_new(&avatar_url, second.etag.as_deref(), Duration::from_secs(10))
        .unwrap();
    assert_avatar(&third.body, 512);

    // Not an image (declared as a JPEG): rejected, and the avatar stays the WebP's.
    let key = upload["key"].as_str().unwrap().to_owned();
    client
        .upload(&alice, "image/jpeg", &fixture("text.jpg"))
        .unwrap();
    wait_for_status(&stack, &key, "rejected");
    let after = client.get(&avatar_url).unwrap();
    assert_eq!(after.status, 200);
    assert_eq!(
        after.etag, third.etag,
        "a bad upload leaves the current avatar untouched"
    );
    assert_eq!(after.body, third.body);

    // The banner, the second image kind: its own route, prefix and size, and it leaves the avatar alone.
    let banner_upload = client
        .upload_to(
            "/banners/key_upload",
            &alice,
            "image/png",
            &fixture("palette_trns.png"),
        )
        .unwrap();
    let banner_url = banner_upload["avatar_url"].as_str().unwrap().to_owned();
    assert!(
        banner_url.ends_with(&format!("/banners/{ALICE}.jpg")),
        "{banner_url}"
    );
    let banner = client
        .wait_for_new(&banner_url, None, Duration::from_secs(10))
        .unwrap();
    assert_jpeg(&banner.body, 1500, 500);
    assert_eq!(
        client.get(&avatar_url).unwrap().etag,
        third.etag,
        "the banner upload left the avatar alone"
    );
    // And a new avatar leaves the banner alone.
    client
        .upload(&alice, "image/jpeg", &fixture("progressive.jpg"))
        .unwrap();
    let fourth = client
        .wait_for_new(&avatar_url, third.etag.as_deref(), Duration::from_secs(10))
        .unwrap();
    assert_avatar(&fourth.body, 512);
    assert_eq!(
        client.get(&banner_url).unwrap().etag,
        banner.etag,
        "the avatar upload left the banner alone"
    );

    // Another user's avatar is separate, and Alice's URL cannot be used to overwrite it.
    let bob = stack.token(BOB).unwrap();
    let bob_upload = client
        .upload(&bob, "image/jpeg", &fixture("orientation_6.jpg"))
        .unwrap();
    let bob_url = bob_upload["avatar_url"].as_str().unwrap();
    client
        .wait_for_new(bob_url, None, Duration::from_secs(10))
        .unwrap();
    assert_eq!(
        client.get(&avatar_url).unwrap().etag,
        fourth.etag,
        "Bob's upload left Alice's avatar alone"
    );

    // The profile routes behind the same authorizer, on the real Postgres the stack started.
    stack.seed_user(ALICE, "alice", "Alice").unwrap();
    assert_eq!(
        client
            .call("GET", "/api/profile", None, None)
            .unwrap()
            .status,
        401
    );
    // Issue 18 finding 6: an ID token gets through the authorizer (as on API Gateway) but no function takes it.
    let alice_id_token = stack.id_token(ALICE).unwrap();
    for (method, path, body) in [
        ("GET", "/api/profile", None),
        (
            "POST",
            "/avatars/key_upload",
            Some(json!({ "extension": "jpg" })),
        ),
    ] {
        let answer = client
            .call(method, path, Some(&alice_id_token), body.as_ref())
            .unwrap();
        assert_eq!(answer.status, 401, "{method} {path} with an ID token");
    }
    let edit = json!({ "display_name": "Alice Liddell", "bio": "'; DROP TABLE users; --" });
    let saved = client
        .call("POST", "/api/profile/update", Some(&alice), Some(&edit))
        .unwrap();
    assert_eq!(
        saved.status,
        200,
        "{}",
        String::from_utf8_lossy(&saved.body)
    );
    let read = client
        .call("GET", "/api/profile", Some(&alice), None)
        .unwrap()
        .json();
    assert_eq!(
        (read["display_name"].clone(), read["bio"].clone()),
        (edit["display_name"].clone(), edit["bio"].clone())
    );
    // Issue 27, item 7: the reference frontend's ProfileForm saves with PUT (its request helper's `put`), with
    // Accept and Content-Type application/json, the bearer token and `{bio, display_name}`. The browser's
    // preflight for PUT is granted from the app's origin, and the save lands like the POST one.
    let profile_url = format!("{}/api/profile/update", stack.urls.api);
    let put_preflight = client.preflight_for("PUT", &profile_url, allowed).unwrap();
    assert_eq!(
        put_preflight.allow_origin.as_deref(),
        Some(allowed.as_str()),
        "a PUT preflight from the app's origin is granted"
    );
    let reference_edit = json!({ "bio": "Curiouser and curiouser.", "display_name": "Alice" });
    let put = client
        .call(
            "PUT",
            "/api/profile/update",
            Some(&alice),
            Some(&reference_edit),
        )
        .unwrap();
    assert_eq!(put.status, 200, "{}", String::from_utf8_lossy(&put.body));
    let read = client
        .call("GET", "/api/profile", Some(&alice), None)
        .unwrap()
        .json();
    assert_eq!(
        (read["display_name"].clone(), read["bio"].clone()),
        (
            reference_edit["display_name"].clone(),
            reference_edit["bio"].clone()
        )
    );
    // Issue 16: Bob has no row (nothing ran at his sign-up); his first request creates his profile.
    let first = client
        .call("GET", "/api/profile", Some(&bob), None)
        .unwrap();
    assert_eq!(first.status, 200, "a brand-new sub gets a profile");
    assert_eq!(first.json()["display_name"], "New user");

    // S3 checks what the URL was signed for: a different size, type or key is refused.
    let bytes = fixture("progressive.jpg");
    let granted = client
        .key_upload(
            Some(&alice),
            &json!({ "content_type": "image/jpeg", "content_length": bytes.len() }),
        )
        .unwrap()
        .json();
    let longer = [bytes.as_slice(), b"extra"].concat();
    assert_eq!(
        client.put_presigned(&granted, &longer).unwrap().status,
        403,
        "other size"
    );
    let mut other_type = granted.clone();
    for (name, value) in other_type["headers"].as_object_mut().unwrap() {
        if name.eq_ignore_ascii_case("content-type") {
            *value = json!("image/png");
        }
    }
    assert_eq!(
        client.put_presigned(&other_type, &bytes).unwrap().status,
        403,
        "other type"
    );
    let mut other_key = granted.clone();
    other_key["url"] = json!(granted["url"].as_str().unwrap().replace(ALICE, BOB));
    assert_eq!(
        client.put_presigned(&other_key, &bytes).unwrap().status,
        403,
        "other key"
    );
    assert_eq!(
        client.put_presigned(&granted, &bytes).unwrap().status,
        200,
        "as signed"
    );

    // Issue 19 item 6, small: users uploading at once, every third twice in a row, each ends with the avatar of
    // their last upload and none goes back to an earlier one (`make load` runs it with 200 users and prints the
    // figures).
    let report = local_cloud::load::run(
        &stack,
        &local_cloud::load::LoadOptions {
            users: 24,
            twice_every: 3,
            timeout: Duration::from_secs(60),
            settle: Duration::from_secs(2),
        },
    )
    .unwrap();
    eprintln!("{report}");
    assert_eq!(report.uploads, 32);
    assert!(
        report.lost.is_empty() && report.stale.is_empty(),
        "{report}\nlost: {:?}\nstale: {:?}",
        report.lost,
        report.stale
    );

    // Issue 28 item 2: one user floods the resizer through one presigned URL (changed bytes each PUT); the queue's
    // event source mapping caps the concurrent resizes, the user's hourly resize budget stops the decodes, and
    // another user's upload in the middle of the flood is processed.
    flood_by_one_user_leaves_others_processed(&stack, &client);

    // Issue 28 item 3: one user's burst at the API is refused at the edge, per token, before the route's throttle
    // that every user shares; another user is served throughout.
    api_burst_by_one_user_leaves_the_route_to_others(&stack);
}

const TRUDY: &str = "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d";
const DAVE: &str = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";

fn api_burst_by_one_user_leaves_the_route_to_others(stack: &Stack) {
    let budget = stack.config.api.requests_per_user_per_5_minutes as usize;
    let burst = stack.config.api.throttling_burst_limit as usize;
    // More than the route's burst plus what it refills while the requests are sent: without the edge, the bucket
    // every user shares runs dry.
    let requests = 2 * burst;
    assert!(
        budget < burst,
        "envs/local: the per-user budget must be below the route's burst"
    );
    let trudy = stack.token(TRUDY).unwrap();
    let dave = stack.token(DAVE).unwrap();
    let threads = 16;
    let answers: Vec<(u16, String)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (api, trudy) = (stack.urls.api.clone(), trudy.clone());
                scope.spawn(move || {
                    let client = Client::new(&api);
                    (t..requests)
                        .step_by(threads)
                        .map(|_| {
                            let answer = client
                                .call("GET", "/api/profile", Some(&trudy), None)
                                .unwrap();
                            (
                                answer.status,
                                String::from_utf8_lossy(&answer.body).into_owned(),
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    let at_the_edge = answers
        .iter()
        .filter(|(status, body)| *status == 429 && body.contains("rate_limited"))
        .count();
    let served = answers.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!(
        (served, at_the_edge),
        (budget, requests - budget),
        "Trudy's {requests} requests: her budget served, the rest refused at the edge; other answers: {:?}",
        answers
            .iter()
            .filter(|(status, body)| *status != 200 && !body.contains("rate_limited"))
            .take(3)
            .collect::<Vec<_>>()
    );
    let client = Client::new(&stack.urls.api);
    let refused = client
        .call("GET", "/api/profile", Some(&trudy), None)
        .unwrap();
    assert_eq!(refused.status, 429);
    assert_eq!(refused.retry_after.as_deref(), Some("300"));
    let daves = client
        .call("GET", "/api/profile", Some(&dave), None)
        .unwrap();
    assert_eq!(
        daves.status,
        200,
        "another user right after the burst: {}",
        String::from_utf8_lossy(&daves.body)
    );
}

const MALLORY: &str = "5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716";
const CAROL: &str = "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a10";

fn flood_by_one_user_leaves_others_processed(stack: &Stack, client: &Client) {
    let budget = stack.config.upload.resizes_per_user_per_hour;
    let puts = budget + 8;
    let mallory = stack.token(MALLORY).expect("token");
    let carol = stack.token(CAROL).expect("token");
    let base = fixture("progressive.jpg");
    // Bytes after the JPEG's end are ignored by decoders: every PUT is a new object of the signed length.
    let variant = |i: u32| [base.as_slice(), &i.to_be_bytes()].concat();
    let granted = client
        .key_upload(
            Some(&mallory),
            &json!({ "content_type": "image/jpeg", "content_length": base.len() + 4 }),
        )
        .unwrap()
        .json();
    for i in 0..puts {
        if i == puts / 2 {
            client
                .upload(&carol, "image/jpeg", &fixture("progressive.jpg"))
                .unwrap();
        }
        assert_eq!(
            client.put_presigned(&granted, &variant(i)).unwrap().status,
            200
        );
    }
    let carol_url = format!("{}/avatars/{CAROL}.jpg", stack.urls.cdn);
    let carols = client
        .wait_for_new(&carol_url, None, Duration::from_secs(60))
        .unwrap();
    assert_avatar(&carols.body, 512);

    // Every one of Mallory's events is handled: the counter stops at the budget, and the last original, past it,
    // is deleted unread.
    let dynamodb = aws_sdk_dynamodb::Client::new(&test_support::local_sdk_config(
        &stack.urls.moto,
        "local",
        "local",
    ));
    let table = format!("{}-upload-quota", stack.config.name_prefix());
    let key = format!("avatars/original/{MALLORY}");
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let original = stack
            .block_on(
                stack
                    .s3()
                    .head_object()
                    .bucket(&stack.config.buckets.uploads)
                    .key(&key)
                    .send(),
            )
            .unwrap();
        if original.is_err() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Mallory's last original, past the budget, was not deleted within 90 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let items = stack
        .block_on(dynamodb.scan().table_name(&table).send())
        .unwrap()
        .unwrap();
    let resizes = |sub: &str| -> u32 {
        items
            .items()
            .iter()
            .find(|item| {
                item.get("pk")
                    .and_then(|pk| pk.as_s().ok())
                    .is_some_and(|pk| pk.starts_with(&format!("{sub}#")))
            })
            .and_then(|item| item.get("resizes"))
            .and_then(|n| n.as_n().ok())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    assert_eq!(
        resizes(MALLORY),
        budget,
        "{puts} changed PUTs: decodes stop at the hourly budget"
    );
    assert_eq!(resizes(CAROL), 1);
}
