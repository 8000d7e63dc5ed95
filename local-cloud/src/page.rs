//! The profile page (`web/`) as a static site, plus `/config.json` telling it where the API and the CDN are.
//! Only the files in `web/` are served, by exact name.

use std::path::PathBuf;
use std::sync::Arc;

use http::{Method, StatusCode};

use crate::http::{message, reply, Reply, Request};

pub struct Page {
    pub dir: PathBuf,
    pub api_url: String,
    pub cdn_url: String,
    /// `<base>/<sub>.<extension>` is the signed-in user's avatar (the upload-url function's own settings).
    pub avatar_base_url: String,
    pub avatar_extension: String,
    /// What the page checks before asking for an upload (the API checks again).
    pub max_upload_bytes: u64,
    pub content_types: Vec<String>,
    /// Every image kind the page can show and upload (the avatar's fields above are the `avatar` kind's).
    pub images: Vec<PageImage>,
}

/// One image kind as the page needs it.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageImage {
    pub name: String,
    /// API path of `POST <route>` (the kind's upload URL).
    pub route: String,
    /// `<base>/<sub>.<extension>` is the user's image of this kind.
    pub base_url: String,
    pub extension: String,
    pub width: u32,
    pub height: u32,
}

impl Page {
    pub async fn handle(self: Arc<Self>, request: Request) -> Reply {
        if request.method() != Method::GET {
            return message(StatusCode::METHOD_NOT_ALLOWED, "GET only");
        }
        let name = match request.uri().path() {
            "/" => "index.html",
            "/config.json" => {
                let config = serde_json::json!({
                    "apiUrl": self.api_url,
                    "cdnUrl": self.cdn_url,
                    "avatarBaseUrl": self.avatar_base_url,
                    "avatarExtension": self.avatar_extension,
                    "maxUploadBytes": self.max_upload_bytes,
                    "contentTypes": self.content_types,
                    "images": self.images,
                });
                return reply(StatusCode::OK, "application/json", config.to_string());
            }
            path => path.trim_start_matches('/'),
        };
        let content_type = match name.rsplit_once('.').map(|(_, ext)| ext) {
            Some("html") => "text/html; charset=utf-8",
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            Some("svg") => "image/svg+xml",
            _ => return message(StatusCode::NOT_FOUND, "Not Found"),
        };
        let listed = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .any(|entry| entry.file_name().to_str() == Some(name));
        match std::fs::read(self.dir.join(name)) {
            Ok(bytes) if listed => {
                let mut response = reply(StatusCode::OK, content_type, bytes);
                response.headers_mut().insert(
                    http::header::CACHE_CONTROL,
                    http::HeaderValue::from_static("no-store"),
                );
                response
            }
            _ => message(StatusCode::NOT_FOUND, "Not Found"),
        }
    }
}
