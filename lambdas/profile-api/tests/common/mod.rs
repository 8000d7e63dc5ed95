//! Fixtures shared by the profile-api integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use pipeline_contract::settings::ApiCaller;
use serde_json::json;

/// The account and API the fixture events come from (as the generator would write for this stack).
pub fn caller() -> ApiCaller {
    ApiCaller {
        account_id: "123456789012".to_owned(),
        api_id: "test".to_owned(),
    }
}

/// An HTTP API (payload 2.0) event for `route` ("METHOD /path"), as API Gateway sends it after the JWT authorizer
/// verified a token whose `sub` is `sub` (no claims when `None`).
pub fn event(route: &str, sub: Option<&str>, body: Option<&str>) -> ApiGatewayV2httpRequest {
    let claims = sub.map_or_else(|| json!({}), |s| json!({ "sub": s }));
    serde_json::from_value(json!({
        "version": "2.0",
        "routeKey": route,
        "rawPath": route.split_once(' ').unwrap().1,
        "rawQueryString": "",
        "headers": { "content-type": "application/json" },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "test",
            "authorizer": { "jwt": { "claims": claims, "scopes": null } },
            "domainName": "test",
            "domainPrefix": "test",
            "http": { "method": route.split_once(' ').unwrap().0, "path": "/", "protocol": "HTTP/1.1",
                      "sourceIp": "127.0.0.1", "userAgent": "test" },
            "requestId": "1",
            "routeKey": route,
            "stage": "$default",
            "timeEpoch": 0
        },
        "body": body,
        "isBase64Encoded": false
    }))
    .unwrap()
}
