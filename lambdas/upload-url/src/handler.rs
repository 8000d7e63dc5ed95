//! Claims → key → presigned PUT → JSON. The user is the `sub` claim that the HTTP API's JWT authorizer verified;
//! nothing in the body can choose the key. Every outcome is a JSON response (no CORS headers: the HTTP API's
//! `cors_configuration` owns CORS and would override them anyway).

use std::collections::BTreeMap;
use std::time::SystemTime;

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::http::HeaderValue;
use aws_sdk_s3::presigning::PresigningConfig;
use serde::Serialize;

use api_lambda::{error, json};

use crate::quota::{Allowance, Quota};
use crate::request::{self, RequestError, UploadRequest};
use crate::settings::Settings;

/// Built once per cold start.
pub struct UploadUrl {
    pub settings: Settings,
    pub s3: aws_sdk_s3::Client,
    /// The per-user budget (from `settings.quota`); `None` counts nothing.
    pub quota: Option<Quota>,
}

/// The 200 body.
#[derive(Debug, Serialize)]
pub struct PresignedUpload {
    pub url: String,
    pub method: String,
    /// Headers the client must send exactly (they are signed).
    pub headers: BTreeMap<String, String>,
    pub key: String,
    /// RFC 3339, UTC.
    pub expires_at: String,
    /// Where the processed avatar will be served.
    pub avatar_url: String,
}

impl UploadUrl {
    pub async fn handle(&self, request: ApiGatewayV2httpRequest) -> ApiGatewayV2httpResponse {
        self.handle_at(request, SystemTime::now()).await
    }

    /// As [`handle`](Self::handle), signing as of `now` (tests pin it to check expiry).
    pub async fn handle_at(
        &self,
        request: ApiGatewayV2httpRequest,
        now: SystemTime,
    ) -> ApiGatewayV2httpResponse {
        if !api_lambda::from_own_api(&request, &self.settings.caller) {
            return api_lambda::foreign_api();
        }
        let Some(sub) = api_lambda::verified_user(&request) else {
            return error(401, "unauthorized", "no verified user in the request");
        };
        let body = match request_body(&request) {
            Ok(body) => body,
            Err(err) => return error(err.status(), err.code(), err.to_string()),
        };
        let settings = &self.settings;
        let upload = match request::parse(
            &body,
            &settings.allowed_content_types,
            settings.max_upload_bytes,
            settings.legacy_requests,
        ) {
            Ok(upload) => upload,
            Err(err) => return error(err.status(), err.code(), err.to_string()),
        };
        if let Some(quota) = &self.quota {
            match quota.take(sub, now).await {
                Ok(Allowance::Granted) => {}
                Ok(Allowance::Exhausted { retry_after }) => {
                    tracing::info!(sub, retry_after, "per-user upload budget spent");
                    let mut response = error(
                        429,
                        "too_many_uploads",
                        format!(
                            "at most {} upload URLs per hour; try again in {retry_after} s",
                            quota.settings.per_hour
                        ),
                    );
                    if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
                        response.headers.insert("retry-after", value);
                    }
                    return response;
                }
                // Open on a counter failure: the route's own throttle still bounds every user together, and a
                // DynamoDB hiccup should not stop avatar changes.
                Err(err) => {
                    tracing::error!(
                        sub,
                        error = %aws_sdk_dynamodb::error::DisplayErrorContext(&err),
                        "{}; allowed",
                        pipeline_contract::logs::QUOTA_UNAVAILABLE
                    )
                }
            }
        }
        if upload.content_length.is_none() {
            tracing::info!(
                sub,
                "reference-app request without content_length: the URL binds the type only"
            );
        }
        match self.presign(sub, &upload, now).await {
            Ok(presigned) => json(200, &presigned),
            Err(err) => {
                tracing::error!(sub, error = %err, "presigning failed");
                error(500, "internal", "the upload URL could not be created")
            }
        }
    }

    async fn presign(
        &self,
        sub: &str,
        upload: &UploadRequest,
        now: SystemTime,
    ) -> Result<PresignedUpload, Box<dyn std::error::Error + Send + Sync>> {
        let settings = &self.settings;
        let key = format!("{}{sub}", settings.originals_prefix);
        let mut put = self
            .s3
            .put_object()
            .bucket(&settings.uploads_bucket)
            .key(&key)
            .content_type(&upload.content_type);
        if let Some(length) = upload.content_length {
            put = put.content_length(i64::try_from(length)?);
        }
        let config = PresigningConfig::builder()
            .start_time(now)
            .expires_in(settings.url_ttl)
            .build()?;
        let presigned = put.presigned(config).await?;
        let headers = presigned
            .headers()
            .map(|(name, value)| (canonical_header_name(name), value.to_owned()))
            .collect();
        let expires_at = chrono::DateTime::<chrono::Utc>::from(now + settings.url_ttl)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        Ok(PresignedUpload {
            url: presigned.uri().to_owned(),
            method: presigned.method().to_owned(),
            headers,
            key,
            expires_at,
            avatar_url: format!(
                "{}/{sub}.{}",
                settings.avatar_base_url, settings.avatar_extension
            ),
        })
    }
}

fn request_body(request: &ApiGatewayV2httpRequest) -> Result<Vec<u8>, RequestError> {
    api_lambda::body_bytes(request)
        .map_err(|err| RequestError::MalformedJson(format!("base64 body: {err}")))
}

/// `content-type` → `Content-Type`, as a browser developer expects to read it.
fn canonical_header_name(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}
