//! What every function behind the HTTP API (upload-url, profile-api) does the same way, in one place:
//!
//! - [`from_own_api`]: whether the event came through the stack's own HTTP API in its own account (else answer
//!   [`foreign_api`], 403);
//! - [`verified_user`]: the `sub` the JWT authorizer verified, under the contract's rules (a usable `sub`, an
//!   access token), or `None` (answer 401);
//! - [`body_bytes`]: the request body, base64-decoded when API Gateway encoded it;
//! - [`json`] and [`error`]: JSON responses, never cached (`no-store`), errors as `{"error", "message"}`.
//!
//! No CORS headers: the HTTP API's `cors_configuration` owns CORS and would override them anyway.

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use aws_lambda_events::http::{HeaderMap, HeaderValue};
use base64::Engine;
use pipeline_contract::settings::ApiCaller;
use serde::Serialize;

/// Whether the event's `requestContext` names `caller`'s account and HTTP API: a Lambda permission without a
/// source ARN would let another account's API (with a JWT authorizer it controls) choose the `sub`. A refusal is
/// logged with both ids.
pub fn from_own_api(request: &ApiGatewayV2httpRequest, caller: &ApiCaller) -> bool {
    let context = &request.request_context;
    let (account_id, api_id) = (context.account_id.as_deref(), context.apiid.as_deref());
    let allowed = caller.allows(account_id, api_id);
    if !allowed {
        tracing::warn!(
            account_id,
            api_id,
            expected_account_id = caller.account_id,
            expected_api_id = caller.api_id,
            "event from another account or API refused"
        );
    }
    allowed
}

/// The answer to an event [`from_own_api`] refused.
pub fn foreign_api() -> ApiGatewayV2httpResponse {
    error(
        403,
        "foreign_api",
        "this function answers only its own HTTP API",
    )
}

/// The user the JWT authorizer verified, by the contract's rules; a refusal is logged with its reason.
pub fn verified_user(request: &ApiGatewayV2httpRequest) -> Option<&str> {
    let claims = &request
        .request_context
        .authorizer
        .as_ref()?
        .jwt
        .as_ref()?
        .claims;
    pipeline_contract::claims::verified_user(|name| claims.get(name).map(String::as_str))
        .inspect_err(|why| tracing::info!(%why, "unauthorized"))
        .ok()
}

/// The body's bytes (API Gateway base64-encodes bodies it does not take for text).
pub fn body_bytes(request: &ApiGatewayV2httpRequest) -> Result<Vec<u8>, base64::DecodeError> {
    let body = request.body.as_deref().unwrap_or_default();
    if request.is_base64_encoded {
        base64::engine::general_purpose::STANDARD.decode(body)
    } else {
        Ok(body.as_bytes().to_vec())
    }
}

/// `body` as JSON with `status`, not cacheable.
pub fn json(status: u16, body: &impl Serialize) -> ApiGatewayV2httpResponse {
    let text = serde_json::to_string(body).unwrap_or_else(|_| "{}".to_owned());
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.insert("cache-control", HeaderValue::from_static("no-store"));
    let mut response = ApiGatewayV2httpResponse::default();
    response.status_code = i64::from(status);
    response.headers = headers;
    response.body = Some(Body::Text(text));
    response
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: &'a str,
}

/// `{"error": code, "message": message}` with `status`.
pub fn error(status: u16, code: &str, message: impl AsRef<str>) -> ApiGatewayV2httpResponse {
    json(
        status,
        &ErrorBody {
            error: code,
            message: message.as_ref(),
        },
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed step should stop the test where it happened
mod tests {
    use super::*;

    fn request(
        claims: serde_json::Value,
        body: Option<&str>,
        base64: bool,
    ) -> ApiGatewayV2httpRequest {
        serde_json::from_value(serde_json::json!({
            "version": "2.0", "routeKey": "GET /x", "rawPath": "/x", "rawQueryString": "",
            "headers": {}, "isBase64Encoded": base64, "body": body,
            "requestContext": {
                "accountId": "1", "apiId": "a", "domainName": "d", "domainPrefix": "d", "requestId": "r",
                "routeKey": "GET /x", "stage": "$default", "time": "t", "timeEpoch": 0,
                "http": { "method": "GET", "path": "/x", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "t" },
                "authorizer": { "jwt": { "claims": claims, "scopes": null } }
            }
        }))
        .unwrap()
    }

    #[test]
    fn the_user_is_a_verified_access_tokens_sub_only() {
        let sub = "3f0d6e2a-5b1c-4f8e-9a7d-2c4b6e8f0a1b";
        let access = request(
            serde_json::json!({ "sub": sub, "token_use": "access" }),
            None,
            false,
        );
        assert_eq!(verified_user(&access), Some(sub));
        let id = request(
            serde_json::json!({ "sub": sub, "token_use": "id" }),
            None,
            false,
        );
        assert_eq!(verified_user(&id), None);
        let none = request(serde_json::json!({}), None, false);
        assert_eq!(verified_user(&none), None);
    }

    #[test]
    fn bodies_are_decoded_and_responses_are_uncached_json() {
        assert_eq!(
            body_bytes(&request(serde_json::json!({}), Some("e30="), true)).unwrap(),
            b"{}"
        );
        assert_eq!(
            body_bytes(&request(serde_json::json!({}), Some("{}"), false)).unwrap(),
            b"{}"
        );
        assert!(body_bytes(&request(serde_json::json!({}), Some("%%"), true)).is_err());
        let response = error(422, "invalid", "why");
        assert_eq!(response.status_code, 422);
        assert_eq!(response.headers["cache-control"], "no-store");
        assert_eq!(response.headers["content-type"], "application/json");
        assert_eq!(
            response.body,
            Some(Body::Text(
                r#"{"error":"invalid","message":"why"}"#.to_owned()
            ))
        );
    }
}
