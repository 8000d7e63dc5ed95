//! The local HTTP API: what API Gateway does in front of the functions, applied in the same order.
//!
//! 0. The edge ([`crate::edge`]): over the user's or the address's budget, 429 before anything below runs.
//! 1. CORS preflights are answered from [`ApiCors`], derived from the config by the same code that writes the
//!    Terraform (`generator::cors`), so the rules cannot drift.
//! 2. Only the generator's routes exist (`generator::topology::routes`): one upload route per image kind and the
//!    profile routes; anything else is 404.
//!    Each route's shared throttle (burst and rate from the config) then counts the request: empty, 429.
//! 3. Every route needs a valid token from the local issuer (signature, `iss`, `exp`, and `aud` or `client_id`
//!    as API Gateway checks them), else 401.
//! 4. The request becomes an API Gateway v2 event (payload format 2.0) with the verified claims, the handler's
//!    response becomes the HTTP response, and allowed origins get `Access-Control-Allow-Origin`.

use pipeline_contract::settings::ApiCaller;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use base64::Engine;
use bytes::Bytes;
use generator::cors::ApiCors;
use generator::topology::names;
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use profile_api::handler::ProfileApi;
use serde_json::json;
use upload_url::handler::UploadUrl;

use crate::edge::Gates;
use crate::http::{message, read_body, reply, Reply, Request};
use crate::issuer::DevIssuer;

pub struct LocalApi {
    pub cors: ApiCors,
    pub issuer: Arc<DevIssuer>,
    /// Route key → module of the function behind it (from the generator).
    pub routes: BTreeMap<String, String>,
    /// Upload module → its handler (one per image kind).
    pub uploads: BTreeMap<String, UploadUrl>,
    pub profile: ProfileApi,
    /// The account and API id every event carries.
    pub caller: ApiCaller,
    pub gates: Gates,
    requests: AtomicU64,
}

impl LocalApi {
    pub fn new(
        cors: ApiCors,
        issuer: Arc<DevIssuer>,
        routes: BTreeMap<String, String>,
        uploads: BTreeMap<String, UploadUrl>,
        profile: ProfileApi,
        caller: ApiCaller,
        gates: Gates,
    ) -> Self {
        Self {
            gates,
            cors,
            issuer,
            routes,
            uploads,
            profile,
            caller,
            requests: AtomicU64::new(0),
        }
    }

    pub async fn handle(self: Arc<Self>, request: Request) -> Reply {
        let origin = request
            .headers()
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok())
            .map(str::to_owned);
        let mut response = self.respond(request).await;
        if let Some(origin) = origin.filter(|o| self.origin_allowed(o)) {
            let headers = response.headers_mut();
            if let Ok(value) = HeaderValue::from_str(&origin) {
                headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
            }
            headers.append(header::VARY, HeaderValue::from_static("origin"));
        }
        response
    }

    async fn respond(&self, request: Request) -> Reply {
        // Every local client is the loopback address.
        if let Err(refused) = self.gates.edge.admit(request.headers(), "127.0.0.1") {
            return *refused;
        }
        if request.method() == Method::OPTIONS
            && request
                .headers()
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
        {
            return self.preflight(request.headers());
        }
        let route_key = format!("{} {}", request.method(), request.uri().path());
        let Some(module) = self.routes.get(&route_key).cloned() else {
            return message(StatusCode::NOT_FOUND, "Not Found");
        };
        if !self.gates.throttle.admit(&route_key) {
            return message(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
        }
        let claims = bearer_token(request.headers()).and_then(|t| self.issuer.verify(t));
        let Some(claims) = claims else {
            let mut response = message(StatusCode::UNAUTHORIZED, "Unauthorized");
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return response;
        };
        let (parts, body) = request.into_parts();
        let Some(body) = read_body(body).await else {
            return message(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large");
        };
        let event = match self.event(&route_key, &parts, &body, claims) {
            Ok(event) => event,
            Err(err) => {
                tracing::error!(%err, "building the API Gateway event");
                return message(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error");
            }
        };
        if module == names::PROFILE_API {
            return into_reply(self.profile.handle(event).await);
        }
        match self.uploads.get(&module) {
            Some(upload) => into_reply(upload.handle(event).await),
            None => message(
                StatusCode::NOT_IMPLEMENTED,
                &format!("the local stack has no handler for {module}"),
            ),
        }
    }

    fn origin_allowed(&self, origin: &str) -> bool {
        self.cors
            .allow_origins
            .iter()
            .any(|allowed| allowed == "*" || allowed == origin)
    }

    /// API Gateway answers preflights itself; a request outside the rules gets no CORS headers (the browser
    /// then refuses the real request).
    fn preflight(&self, headers: &HeaderMap) -> Reply {
        let mut response = reply(StatusCode::NO_CONTENT, "text/plain", Bytes::new());
        let get = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
        let origin_ok = get(header::ORIGIN).is_some_and(|o| self.origin_allowed(o));
        let method_ok = get(header::ACCESS_CONTROL_REQUEST_METHOD).is_some_and(|m| {
            self.cors
                .allow_methods
                .iter()
                .any(|a| a.eq_ignore_ascii_case(m))
        });
        let headers_ok = get(header::ACCESS_CONTROL_REQUEST_HEADERS).is_none_or(|requested| {
            requested
                .split(',')
                .map(str::trim)
                .filter(|h| !h.is_empty())
                .all(|h| {
                    self.cors
                        .allow_headers
                        .iter()
                        .any(|a| a.eq_ignore_ascii_case(h))
                })
        });
        if origin_ok && method_ok && headers_ok {
            let out = response.headers_mut();
            let mut set = |name, value: String| {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    out.insert(name, value);
                }
            };
            set(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                self.cors.allow_methods.join(","),
            );
            set(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                self.cors.allow_headers.join(","),
            );
            set(
                header::ACCESS_CONTROL_MAX_AGE,
                self.cors.max_age_seconds.to_string(),
            );
        } else {
            tracing::info!(
                origin = get(header::ORIGIN),
                "CORS preflight outside the configured rules"
            );
        }
        response
    }

    /// The request as API Gateway's payload format 2.0, built as the JSON it sends and read back through the
    /// same type the Lambda runtime uses.
    fn event(
        &self,
        route_key: &str,
        parts: &http::request::Parts,
        body: &Bytes,
        claims: BTreeMap<String, String>,
    ) -> anyhow::Result<ApiGatewayV2httpRequest> {
        let mut headers = BTreeMap::<String, String>::new();
        for (name, value) in &parts.headers {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            headers
                .entry(name.as_str().to_owned())
                .and_modify(|v| {
                    v.push(',');
                    v.push_str(&value);
                })
                .or_insert(value);
        }
        let (body, is_base64) = match std::str::from_utf8(body) {
            Ok(text) => (text.to_owned(), false),
            Err(_) => (base64::engine::general_purpose::STANDARD.encode(body), true),
        };
        let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();
        let request_id = format!("local-{}", self.requests.fetch_add(1, Ordering::Relaxed));
        let host = headers.get("host").cloned().unwrap_or_default();
        let event = json!({
            "version": "2.0",
            "routeKey": route_key,
            "rawPath": parts.uri.path(),
            "rawQueryString": parts.uri.query().unwrap_or(""),
            "headers": headers,
            "requestContext": {
                "accountId": self.caller.account_id,
                "apiId": self.caller.api_id,
                "authorizer": { "jwt": { "claims": claims, "scopes": null } },
                "domainName": host,
                "domainPrefix": "local",
                "http": {
                    "method": parts.method.as_str(),
                    "path": parts.uri.path(),
                    "protocol": "HTTP/1.1",
                    "sourceIp": "127.0.0.1",
                    "userAgent": headers.get("user-agent").cloned().unwrap_or_default(),
                },
                "requestId": request_id,
                "routeKey": route_key,
                "stage": "$default",
                "timeEpoch": now,
            },
            "body": body,
            "isBase64Encoded": is_base64,
        });
        Ok(serde_json::from_value(event)?)
    }
}

/// API Gateway's JWT authorizer reads `Authorization`, with or without the `Bearer ` prefix.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .unwrap_or(value);
    (!token.is_empty()).then_some(token.trim())
}

fn into_reply(response: ApiGatewayV2httpResponse) -> Reply {
    let status = u16::try_from(response.status_code)
        .ok()
        .and_then(|code| StatusCode::from_u16(code).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = match response.body {
        Some(Body::Text(text)) => Bytes::from(text),
        Some(Body::Binary(bytes)) => Bytes::from(bytes),
        _ => Bytes::new(),
    };
    let mut out = reply(status, "application/json", body);
    for (name, value) in &response.headers {
        out.headers_mut().insert(name.clone(), value.clone());
    }
    out
}
