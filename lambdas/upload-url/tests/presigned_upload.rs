//! Real uploads through the presigned URL against s3rver, an S3 that checks SigV4 signatures, expiry and the
//! bucket's CORS rule (moto checks none of them). The CORS rule is the one the generator emits for
//! `envs/local`, rendered as S3 XML, so this is the rule AWS will enforce. The test starts and stops s3rver.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, SystemTime};

use common::{body_json, event, handler, SUB};
use generator::cors::UploadCors;
use test_support::{
    local_sdk_config, repo_root, start_s3rver, Server, S3RVER_ACCESS_KEY, S3RVER_SECRET_KEY,
};

struct Local {
    server: Server,
    bucket: String,
    origins: Vec<String>,
    _dir: tempfile::TempDir,
}

fn start() -> Local {
    let path = repo_root().join("envs/local/config.toml");
    let config = generator::config::parse(
        "envs/local/config.toml",
        "local",
        &std::fs::read_to_string(path).unwrap(),
    )
    .unwrap_or_else(|errors| panic!("envs/local/config.toml: {errors:?}"));
    let cors = UploadCors::from_config(&config);
    let dir = tempfile::tempdir().unwrap();
    let cors_file = dir.path().join("cors.xml");
    std::fs::write(&cors_file, cors.to_s3_xml()).unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let bucket = config.buckets.uploads.clone();
    let server = start_s3rver(&data, &[(bucket.as_str(), Some(cors_file.as_path()))]);
    Local {
        server,
        bucket,
        origins: cors.allowed_origins,
        _dir: dir,
    }
}

/// What was tried, the URL, the headers sent and the body.
type Attempt = (&'static str, String, Vec<(String, String)>, Vec<u8>);

struct Presigned {
    url: String,
    headers: Vec<(String, String)>,
}

/// Asks the handler for an upload of `content_length` bytes of `content_type`, signed as of `now`.
async fn presign(
    local: &Local,
    content_type: &str,
    content_length: usize,
    now: SystemTime,
) -> Presigned {
    let handler = handler(
        &local.server.endpoint,
        &local.bucket,
        S3RVER_ACCESS_KEY,
        S3RVER_SECRET_KEY,
    );
    let body = format!(r#"{{"content_type":"{content_type}","content_length":{content_length}}}"#);
    let response = handler.handle_at(event(&body), now).await;
    let json = body_json(&response);
    assert_eq!(response.status_code, 200, "{json}");
    Presigned {
        url: json["url"].as_str().unwrap().to_owned(),
        headers: json["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect(),
    }
}

/// PUTs `body` to `url` with `headers`, except that Content-Length always tells the truth about the body (as
/// any HTTP client does): sending more or less than was signed changes a signed header.
///
/// s3rver may answer a refused PUT and close the connection before the client has sent the whole body; the
/// client then sees a reset instead of the answer (seen under a loaded machine). Such a transport error is
/// retried a few times, so the assertions read the server's real status.
async fn put(url: &str, headers: &[(String, String)], body: Vec<u8>) -> (u16, String) {
    let mut last_error = None;
    for _ in 0..5 {
        let mut request = reqwest::Client::new().put(url).body(body.clone());
        for (name, value) in headers.iter().filter(|(name, _)| name != "Content-Length") {
            request = request.header(name, value);
        }
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                return (status, response.text().await.unwrap_or_default());
            }
            Err(err) => last_error = Some(err),
        }
    }
    panic!("PUT {url} got no answer in 5 tries: {last_error:?}")
}

fn jpeg_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0x42; len];
    bytes[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
    bytes
}

async fn stored(local: &Local) -> Option<Vec<u8>> {
    let sdk = local_sdk_config(&local.server.endpoint, S3RVER_ACCESS_KEY, S3RVER_SECRET_KEY);
    let s3 = upload_url::s3_client(&sdk);
    let object = s3
        .get_object()
        .bucket(&local.bucket)
        .key(format!("avatars/original/{SUB}"))
        .send()
        .await
        .ok()?;
    Some(object.body.collect().await.unwrap().into_bytes().to_vec())
}

#[tokio::test]
async fn the_declared_upload_succeeds_and_lands_at_the_users_key() {
    let local = start();
    let presigned = presign(&local, "image/jpeg", 1000, SystemTime::now()).await;

    let (status, text) = put(&presigned.url, &presigned.headers, jpeg_bytes(1000)).await;

    assert_eq!(status, 200, "{text}");
    assert_eq!(stored(&local).await, Some(jpeg_bytes(1000)));
}

#[tokio::test]
async fn anything_but_the_declared_upload_is_refused() {
    let local = start();
    let now = SystemTime::now();
    let presigned = presign(&local, "image/jpeg", 1000, now).await;
    let with_type = |content_type: &str| {
        presigned
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    if k == "Content-Type" {
                        content_type.to_owned()
                    } else {
                        v.clone()
                    },
                )
            })
            .collect::<Vec<_>>()
    };

    let cases: Vec<Attempt> = vec![
        (
            "a larger body",
            presigned.url.clone(),
            presigned.headers.clone(),
            jpeg_bytes(5000),
        ),
        (
            "a smaller body",
            presigned.url.clone(),
            presigned.headers.clone(),
            jpeg_bytes(10),
        ),
        (
            "another Content-Type",
            presigned.url.clone(),
            with_type("text/html"),
            jpeg_bytes(1000),
        ),
        (
            "an altered signature",
            {
                let (head, signature) = presigned.url.split_once("X-Amz-Signature=").unwrap();
                let flipped = if signature.starts_with('0') { "1" } else { "0" };
                format!("{head}X-Amz-Signature={flipped}{}", &signature[1..])
            },
            presigned.headers.clone(),
            jpeg_bytes(1000),
        ),
        (
            "an altered key",
            presigned.url.replace(
                &format!("avatars/original/{SUB}"),
                "avatars/original/someone-else",
            ),
            presigned.headers.clone(),
            jpeg_bytes(1000),
        ),
    ];
    for (what, url, headers, body) in cases {
        let (status, text) = put(&url, &headers, body).await;
        assert_eq!(status, 403, "{what}: {text}");
    }

    // Signed two hours ago with a 300 s lifetime: expired.
    let old = presign(&local, "image/jpeg", 1000, now - Duration::from_secs(7200)).await;
    let (status, text) = put(&old.url, &old.headers, jpeg_bytes(1000)).await;
    assert_eq!(status, 403, "expired: {text}");
    assert!(text.contains("expired"), "{text}");

    assert_eq!(
        stored(&local).await,
        None,
        "a refused upload must store nothing"
    );
}

#[tokio::test]
async fn cors_preflight_allows_the_configured_origins_only() {
    let local = start();
    let presigned = presign(&local, "image/jpeg", 1000, SystemTime::now()).await;
    let preflight = |origin: String| {
        reqwest::Client::new()
            .request(reqwest::Method::OPTIONS, &presigned.url)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "PUT")
            .header("Access-Control-Request-Headers", "content-type")
            .send()
    };

    let allowed = local.origins.first().unwrap().clone();
    let response = preflight(allowed.clone()).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    // S3 echoes the origin; s3rver answers a matched preflight with `*`. Either lets the browser proceed.
    let allow_origin = response.headers()["access-control-allow-origin"]
        .to_str()
        .unwrap();
    assert!(
        [allowed.as_str(), "*"].contains(&allow_origin),
        "{allow_origin}"
    );
    let allow_methods = response.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(allow_methods.contains("PUT"), "{allow_methods}");

    let response = preflight("https://evil.example".to_owned()).await.unwrap();
    assert_eq!(response.status().as_u16(), 403);
    assert!(!response
        .headers()
        .contains_key("access-control-allow-origin"));
}
