//! Fixture events and a handler wired the way the generator configures it.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use upload_url::handler::UploadUrl;
use upload_url::settings::Settings;

pub const SUB: &str = "3f0d6e2a-5b1c-4f8e-9a7d-2c4b6e8f0a1b";

/// The API Gateway v2 fixture, with `body` in place of its body.
pub fn event(body: &str) -> ApiGatewayV2httpRequest {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/events/key_upload.json");
    let mut event: ApiGatewayV2httpRequest =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    event.body = Some(body.to_owned());
    event
}

/// `event` as if the authorizer had verified a token whose `sub` is `sub`.
pub fn with_sub(mut event: ApiGatewayV2httpRequest, sub: &str) -> ApiGatewayV2httpRequest {
    let jwt = event
        .request_context
        .authorizer
        .as_mut()
        .unwrap()
        .jwt
        .as_mut()
        .unwrap();
    jwt.claims.insert("sub".to_owned(), sub.to_owned());
    event
}

pub fn settings(bucket: &str) -> Settings {
    Settings {
        uploads_bucket: bucket.to_owned(),
        originals_prefix: "avatars/original/".to_owned(),
        allowed_content_types: ["image/jpeg", "image/png", "image/webp"]
            .map(String::from)
            .to_vec(),
        max_upload_bytes: 5_242_880,
        url_ttl: Duration::from_secs(300),
        avatar_base_url: "https://d111111abcdef8.cloudfront.net/avatars".to_owned(),
        avatar_extension: "jpg".to_owned(),
        quota: None,
        legacy_requests: true,
        // The fixture event's account and API.
        caller: upload_url::settings::ApiCaller {
            account_id: "123456789012".to_owned(),
            api_id: "abc123".to_owned(),
        },
    }
}

/// A handler whose S3 client signs with `access_key`/`secret` for `endpoint`.
pub fn handler(endpoint: &str, bucket: &str, access_key: &str, secret: &str) -> UploadUrl {
    let sdk = test_support::local_sdk_config(endpoint, access_key, secret);
    UploadUrl {
        settings: settings(bucket),
        s3: upload_url::s3_client(&sdk),
        quota: None,
    }
}

pub fn body_json(response: &ApiGatewayV2httpResponse) -> serde_json::Value {
    match &response.body {
        Some(Body::Text(text)) => serde_json::from_str(text).unwrap(),
        other => panic!("expected a text body, got {other:?}"),
    }
}
