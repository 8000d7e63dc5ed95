//! A local stand-in for the CloudFront distribution: `GET`/`HEAD /<key>` served from the assets bucket with the
//! object's `Content-Type`, `Cache-Control` and `ETag`, and the response headers policy's CORS headers. Like CloudFront
//! with Origin Access Control in front of a private bucket (no `s3:ListBucket`), a missing key is 403 from the
//! origin, which the distribution's custom error response turns into the default image with 200
//! (`modules/cdn`, `default_image`). The distribution's viewer-request function runs first and may point a JPEG's
//! request at its WebP by `Accept` (`edge_function`); the key read is the one it leaves. It does not cache, so it
//! cannot serve a stale avatar; that invalidations are requested is checked against moto by the resize handler's
//! own tests.

use std::sync::Arc;

use http::{header, HeaderValue, Method, StatusCode};
use md5::Digest;

use crate::http::{message, reply, Reply, Request};

/// The neutral default image Terraform writes to the assets bucket (`modules/cdn/default-image.png`).
pub const DEFAULT_IMAGE: &[u8] = include_bytes!("../../modules/cdn/default-image.png");

/// Its ETag as S3 gives it (the MD5 of a single-part object), quoted: how a client tells the default from an image.
pub fn default_image_etag() -> String {
    format!("\"{}\"", md5_hex(DEFAULT_IMAGE))
}

/// The lowercase hex MD5 of `bytes`: a single-part S3 object's ETag, unquoted.
fn md5_hex(bytes: &[u8]) -> String {
    md5::Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub struct LocalCdn {
    pub s3: aws_sdk_s3::Client,
    pub bucket: String,
    /// The response headers policy's CORS origins (the config's `api.cors_origins`, as the generator passes them).
    pub cors_origins: Vec<String>,
    /// The key answered for a missing key (the distribution's custom error response for 403), or `None`.
    pub default_image_key: Option<String>,
    /// The distribution's viewer-request function (format negotiation), run on every request before the origin's
    /// key is read; `None` without `format_negotiation`.
    pub viewer_request: Option<crate::edge_function::ViewerRequestFunction>,
}

impl LocalCdn {
    pub async fn handle(self: Arc<Self>, request: Request) -> Reply {
        let origin = request
            .headers()
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok())
            .filter(|o| self.cors_origins.iter().any(|allowed| allowed == o))
            .and_then(|o| HeaderValue::from_str(o).ok());
        let mut response = self.respond(&request).await;
        let headers = response.headers_mut();
        if let Some(origin) = origin {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static("ETag"),
            );
            headers.append(header::VARY, HeaderValue::from_static("origin"));
        }
        // The response headers policy's custom header with format negotiation; with a CORS config CloudFront manages
        // Vary itself and the policy adds none.
        if self.viewer_request.is_some() && self.cors_origins.is_empty() {
            headers.insert(header::VARY, HeaderValue::from_static("Accept"));
        }
        response
    }

    async fn respond(&self, request: &Request) -> Reply {
        if request.method() != Method::GET && request.method() != Method::HEAD {
            return message(StatusCode::FORBIDDEN, "only GET and HEAD are allowed");
        }
        let path = request.uri().path();
        let path = match &self.viewer_request {
            None => path.to_owned(),
            Some(function) => {
                let accept = request
                    .headers()
                    .get(header::ACCEPT)
                    .and_then(|a| a.to_str().ok());
                match function.uri(path, accept).await {
                    Ok(uri) => uri,
                    Err(err) => {
                        // CloudFront answers a failed function with 503.
                        tracing::warn!(path, %err, "viewer-request function failed");
                        return message(StatusCode::SERVICE_UNAVAILABLE, "function failed");
                    }
                }
            }
        };
        let key = path.trim_start_matches('/');
        if key.is_empty() {
            return message(StatusCode::FORBIDDEN, "Access Denied");
        }
        let read = match self.read_whole(key).await {
            Ok(None) => match &self.default_image_key {
                Some(default) => self.read_whole(default).await,
                None => Ok(None),
            },
            other => other,
        };
        let (object, body) = match read {
            Ok(Some(read)) => read,
            Ok(None) => return message(StatusCode::FORBIDDEN, "Access Denied"),
            Err(err) => {
                tracing::warn!(key, %err, "reading from the assets bucket");
                return message(StatusCode::BAD_GATEWAY, "origin read failed");
            }
        };
        let content_type = object
            .content_type
            .clone()
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        let cache_control = object.cache_control.clone();
        let etag = object.e_tag.clone();
        let head = request.method() == Method::HEAD;
        let mut response = reply(
            StatusCode::OK,
            &content_type,
            if head { bytes::Bytes::new() } else { body },
        );
        let headers = response.headers_mut();
        for (name, value) in [(header::CACHE_CONTROL, cache_control), (header::ETAG, etag)] {
            if let Some(value) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
                headers.insert(name, value);
            }
        }
        // The response headers policy's essentials, so the page sees what it will see behind CloudFront.
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        response
    }

    /// The object and its bytes, or `None` when it does not exist. S3 replaces an object atomically; s3rver
    /// writes the new bytes in place before its metadata, so a read can catch a torn object. A body whose MD5 is
    /// not the ETag is read again (up to a second), as S3 would never have served it.
    async fn read_whole(
        &self,
        key: &str,
    ) -> anyhow::Result<
        Option<(
            aws_sdk_s3::operation::get_object::GetObjectOutput,
            bytes::Bytes,
        )>,
    > {
        for _ in 0..20 {
            let mut object = match self
                .s3
                .get_object()
                .bucket(&self.bucket)
                .key(key)
                .send()
                .await
            {
                Ok(object) => object,
                Err(err) => {
                    tracing::debug!(key, err = %aws_sdk_s3::error::DisplayErrorContext(&err), "CDN miss");
                    return Ok(None);
                }
            };
            let body = std::mem::take(&mut object.body)
                .collect()
                .await?
                .into_bytes();
            let md5 = md5_hex(&body);
            if object.e_tag.as_deref().map(|e| e.trim_matches('"')) == Some(md5.as_str()) {
                return Ok(Some((object, body)));
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        anyhow::bail!("{key} kept changing while it was read")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Issue 17 item 5: the default is small and neutral (one grey, no colour cast), so it suits any kind's shape.
    #[test]
    fn the_default_image_is_a_small_neutral_grey() {
        assert!(DEFAULT_IMAGE.len() <= 1024, "{} bytes", DEFAULT_IMAGE.len());
        let image = image::load_from_memory(DEFAULT_IMAGE).unwrap().to_rgb8();
        assert_eq!(image.dimensions(), (64, 64));
        let first = *image.get_pixel(0, 0);
        assert!(image.pixels().all(|p| *p == first), "one colour");
        assert!(
            first[0] == first[1] && first[1] == first[2],
            "grey: {first:?}"
        );
        assert_eq!(default_image_etag().len(), 34);
    }
}
