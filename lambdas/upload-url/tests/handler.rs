//! The handler with API Gateway v2 fixture events: every status code of the contract. Presigning is local
//! computation, so no S3 server is needed here (tests/presigned_upload.rs sends real uploads).
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, SystemTime};

use base64::Engine;
use common::{body_json, event, handler, with_sub, SUB};

const BUCKET: &str = "cruddur-dev-avatar-uploads";

fn at_2026_11_30_noon() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_040_000)
}

async fn call(
    event: aws_lambda_events::apigw::ApiGatewayV2httpRequest,
) -> (i64, serde_json::Value) {
    let handler = handler("http://127.0.0.1:9", BUCKET, "AKIDEXAMPLE", "secret");
    let response = handler.handle_at(event, at_2026_11_30_noon()).await;
    assert_eq!(response.headers["content-type"], "application/json");
    let status = response.status_code;
    (status, body_json(&response))
}

#[tokio::test]
async fn ok_binds_the_upload_to_the_users_key_type_and_size() {
    let (status, body) = call(event(
        r#"{"content_type":"image/jpeg","content_length":123456}"#,
    ))
    .await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(body["method"], "PUT");
    assert_eq!(body["key"], format!("avatars/original/{SUB}"));
    assert_eq!(
        body["headers"],
        serde_json::json!({"Content-Length": "123456", "Content-Type": "image/jpeg"})
    );
    assert_eq!(body["expires_at"], "2026-11-30T12:05:00Z");
    assert_eq!(
        body["avatar_url"],
        format!("https://d111111abcdef8.cloudfront.net/avatars/{SUB}.jpg")
    );
    let url = body["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!(
            "http://127.0.0.1:9/{BUCKET}/avatars/original/{SUB}?"
        )),
        "{url}"
    );
    assert!(url.contains("X-Amz-Expires=300"), "{url}");
    assert!(
        url.contains("X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost"),
        "{url}"
    );
    // No checksum of the (empty) presigning request may be signed into the URL.
    assert!(!url.to_ascii_lowercase().contains("checksum"), "{url}");
}

#[tokio::test]
async fn the_key_comes_from_the_claims_never_from_the_body() {
    let (status, body) = call(event(
        r#"{"content_type":"image/png","content_length":1,"key":"avatars/original/victim"}"#,
    ))
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("malformed_json")),
        "{body}"
    );

    let other_user = with_sub(
        event(r#"{"content_type":"image/png","content_length":1}"#),
        "someone-else",
    );
    let (status, body) = call(other_user).await;
    assert_eq!(status, 200);
    assert_eq!(body["key"], "avatars/original/someone-else");
}

#[tokio::test]
async fn the_reference_frontends_extension_body_still_works() {
    let (status, body) = call(event(r#"{"extension":"jpg"}"#)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["headers"],
        serde_json::json!({"Content-Type": "image/jpeg"})
    );
}

#[tokio::test]
async fn a_base64_encoded_body_is_decoded() {
    let mut encoded = event("");
    encoded.body = Some(
        base64::engine::general_purpose::STANDARD
            .encode(r#"{"content_type":"image/webp","content_length":10}"#),
    );
    encoded.is_base64_encoded = true;
    let (status, body) = call(encoded).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn missing_claims_are_401() {
    let mut anonymous = event(r#"{"content_type":"image/jpeg","content_length":1}"#);
    anonymous.request_context.authorizer = None;
    let (status, body) = call(anonymous).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("unauthorized"))
    );

    let bad_sub = with_sub(
        event(r#"{"content_type":"image/jpeg","content_length":1}"#),
        "../../etc",
    );
    let (status, _) = call(bad_sub).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn every_error_status_is_json_with_a_code() {
    for (body, status, code) in [
        ("{not json", 400, "malformed_json"),
        (r#"{"content_length":10}"#, 400, "missing_field"),
        (
            r#"{"content_type":"image/jpeg","content_length":5242881}"#,
            413,
            "too_large",
        ),
        (
            r#"{"content_type":"text/html","content_length":10}"#,
            415,
            "unsupported_media_type",
        ),
        (
            r#"{"content_type":"image/jpeg","content_length":0}"#,
            422,
            "invalid_request",
        ),
    ] {
        let (actual, json) = call(event(body)).await;
        assert_eq!(
            (actual, json["error"].as_str()),
            (status, Some(code)),
            "{body}: {json}"
        );
        assert!(
            json["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{json}"
        );
    }
    let mut empty = event("");
    empty.body = None;
    let (status, _) = call(empty).await;
    assert_eq!(status, 400);
}

/// Issue 28 item 1: an event from another account's API, or another API in this account (a Lambda permission
/// without a source ARN lets either invoke the function, with a JWT authorizer that picks the `sub`), is refused
/// before the claims are read.
#[tokio::test]
async fn an_event_from_a_foreign_account_or_api_is_refused() {
    let body = r#"{"content_type":"image/jpeg","content_length":10}"#;
    let mut foreign_account = event(body);
    foreign_account.request_context.account_id = Some("999999999999".to_owned());
    let mut foreign_api = event(body);
    foreign_api.request_context.apiid = Some("evil42".to_owned());
    let mut no_ids = event(body);
    no_ids.request_context.account_id = None;
    no_ids.request_context.apiid = None;
    for request in [foreign_account, foreign_api, no_ids] {
        let (status, body) = call(request).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["error"], "foreign_api");
    }
    // The fixture's own account and API still get their URL.
    let (status, body) = call(event(body)).await;
    assert_eq!(status, 200, "{body}");
}
