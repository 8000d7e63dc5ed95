//! The profile page in a real browser (headless Chromium through playwright-core): from an allowed origin a JPEG
//! becomes the 512×512 avatar on the page and an edited display name and bio survive a reload; from an origin
//! outside the config the upload fails on CORS. The reference frontend's own flow (`{"extension":"jpg"}`, a PUT
//! with Content-Type, `<img src>` on the stable URL) gets WebP for Chromium's Accept and JPEG for a JPEG-only one,
//! and a second context sees a new upload once the stable URL's max-age has passed.
//! Screenshots land in `target/test-artifacts/`.
#![allow(clippy::unwrap_used)] // a failed step should stop the test where it happened

use std::path::{Path, PathBuf};
use std::process::Command;

use local_cloud::{Stack, StackOptions};

fn chromium() -> PathBuf {
    let path = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        path.is_file(),
        "this test needs Chromium at {}: `apt-get install chromium` (Debian), or set CHROMIUM=/path/to/chrome",
        path.display()
    );
    path
}

#[test]
fn the_profile_page_uploads_an_avatar_and_a_foreign_origin_is_refused() {
    let root = test_support::repo_root();
    let chromium = chromium();
    assert!(
        root.join("tools/node/node_modules/playwright-core")
            .is_dir(),
        "this test needs playwright-core: run `make node-tools` (npm ci --prefix tools/node)"
    );
    let artifacts = root.join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let screenshot = artifacts.join("profile-page.png");
    let _ = std::fs::remove_file(&screenshot);

    let stack = Stack::start(StackOptions {
        page: true,
        foreign_page: true,
    })
    .unwrap_or_else(|err| panic!("{err:#}"));
    let sub = "2d4f6a8c-0e1b-4d3f-8a5c-7e9b1d3f5a7c";
    stack.seed_user(sub, "ada", "Ada").unwrap();
    let token = stack.token(sub).unwrap();
    // The reference frontend's user: uploads through `{"extension":"jpg"}` and shows the stable URL.
    let sub2 = "5b7d9f1a-3c5e-4a7b-9d1f-3a5c7e9b1d3f";
    stack.seed_user(sub2, "grace", "Grace").unwrap();
    let token2 = stack.token(sub2).unwrap();
    let max_age: u64 = stack
        .config
        .avatar
        .cache_control
        .split(',')
        .find_map(|d| d.trim().strip_prefix("max-age="))
        .and_then(|v| v.parse().ok())
        .unwrap();
    let fixture = |name: &str| root.join("lambdas/avatar-resize/tests/hostile").join(name);

    let output = Command::new("node")
        .arg(root.join("tests/browser/profile_page.mjs"))
        .args(["--page", stack.urls.page.as_deref().unwrap()])
        .args(["--foreign", stack.urls.foreign_page.as_deref().unwrap()])
        .args(["--api", &stack.urls.api])
        .args(["--token", &token])
        .arg("--image")
        .arg(fixture("progressive.jpg"))
        .arg("--not-image")
        .arg(fixture("text.jpg"))
        .arg("--screenshot")
        .arg(&screenshot)
        .args(["--cdn", &stack.urls.cdn])
        .args(["--sub2", sub2])
        .args(["--token2", &token2])
        .arg("--image-2")
        .arg(fixture("orientation_6.jpg"))
        .args(["--max-age", &max_age.to_string()])
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&output.stdout);
    eprintln!("{report}");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: serde_json::Value = serde_json::from_str(&report).unwrap();
    // Before the first upload, a user sees the neutral default (64×64) for each kind, not a broken image.
    for default in results["defaults"].as_array().unwrap() {
        assert_eq!(
            (default["width"].clone(), default["height"].clone()),
            (serde_json::json!(64), serde_json::json!(64)),
            "{default}"
        );
    }
    assert_eq!(results["defaults"].as_array().unwrap().len(), 2);
    // The page updates from the profile endpoint's manifest URL, without a reload.
    assert!(results["manifestRequests"]
        .as_array()
        .unwrap()
        .contains(&results["profileManifestUrl"]));
    assert_eq!(results["avatar"]["width"], 512);
    assert_eq!(
        (
            results["banner"]["width"].clone(),
            results["banner"]["height"].clone()
        ),
        (serde_json::json!(1500), serde_json::json!(500))
    );
    assert!(results["banner"]["src"]
        .as_str()
        .unwrap()
        .contains("/banners/"));
    assert_eq!(
        results["avatarAfterBanner"], results["avatar"]["src"],
        "uploading the banner did not change the avatar"
    );
    assert!(results["avatar"]["src"]
        .as_str()
        .unwrap()
        .starts_with(&stack.urls.cdn));
    assert!(results["foreignStatus"]
        .as_str()
        .unwrap()
        .contains("Upload failed"));
    // Issue 17 items 4 and 6: the reference frontend's flow, format negotiation, and the stable URL's max-age.
    let reference = &results["reference"];
    for upload in ["first", "second"] {
        assert_eq!(reference[upload]["keyUploadStatus"], 200, "{reference}");
        assert_eq!(reference[upload]["putStatus"], 200, "{reference}");
    }
    assert_eq!(reference["chromium"]["contentType"], "image/webp");
    assert_eq!(reference["jpegOnly"]["contentType"], "image/jpeg");
    assert_eq!(reference["chromium"]["width"], 512);
    assert_eq!(reference["jpegOnly"]["width"], 512);
    assert_ne!(
        reference["fresh"]["digest"],
        reference["watcherFirst"]["digest"]
    );
    if reference["watcherWithinMaxAgeAtMs"].as_u64().unwrap() < max_age * 1000 {
        assert_eq!(
            reference["watcherWithinMaxAge"]["digest"], reference["watcherFirst"]["digest"],
            "within the max-age the second context shows its cached image"
        );
    }
    assert!(reference["watcherAfterMaxAgeAtMs"].as_u64().unwrap() > max_age * 1000);
    assert_eq!(
        reference["watcherAfterMaxAge"]["digest"],
        reference["fresh"]["digest"]
    );
    assert!(
        is_png(&screenshot),
        "screenshot at {}",
        screenshot.display()
    );
}

fn is_png(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|bytes| bytes.starts_with(b"\x89PNG"))
}
