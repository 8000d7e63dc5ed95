//! What the page does, as plain HTTP: ask the API for a presigned upload, PUT the file to S3 with the headers it
//! names, then watch the CDN URL until the processed avatar appears or changes. Used by `demo --check` and the
//! end-to-end tests.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde_json::{json, Value};

pub struct Client {
    agent: ureq::Agent,
    pub api: String,
}

/// One HTTP answer: status, selected headers and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub etag: Option<String>,
    pub content_type: Option<String>,
    /// `Access-Control-Allow-Origin`, when the answer carried one.
    pub allow_origin: Option<String>,
    /// `Retry-After`, when the answer carried one (429s).
    pub retry_after: Option<String>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

impl Client {
    pub fn new(api: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Self {
            agent,
            api: api.to_owned(),
        }
    }

    /// `POST /avatars/key_upload` with an optional bearer token and any JSON body.
    pub fn key_upload(&self, token: Option<&str>, body: &Value) -> anyhow::Result<Answer> {
        self.key_upload_at("/avatars/key_upload", token, body)
    }

    /// `POST <route>` of any image kind's upload endpoint.
    pub fn key_upload_at(
        &self,
        route: &str,
        token: Option<&str>,
        body: &Value,
    ) -> anyhow::Result<Answer> {
        let mut request = self
            .agent
            .post(format!("{}{route}", self.api))
            .header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        answer(request.send(body.to_string())?)
    }

    /// Any API route, as the page (and the reference frontend's request helper) calls it: `method` `path` with a
    /// bearer token, `Accept: application/json` and an optional JSON body (POST, or PUT when `method` says so).
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> anyhow::Result<Answer> {
        let url = format!("{}{path}", self.api);
        let auth = token.map(|t| format!("Bearer {t}"));
        let response = match (method, body) {
            ("GET", _) => {
                let mut request = self.agent.get(&url);
                if let Some(auth) = &auth {
                    request = request.header("authorization", auth);
                }
                request.call()?
            }
            (method, body) => {
                let request = if method == "PUT" {
                    self.agent.put(&url)
                } else {
                    self.agent.post(&url)
                };
                let mut request = request
                    .header("accept", "application/json")
                    .header("content-type", "application/json");
                if let Some(auth) = &auth {
                    request = request.header("authorization", auth);
                }
                request.send(body.map(Value::to_string).unwrap_or_default())?
            }
        };
        answer(response)
    }

    /// PUT `bytes` to a presigned upload (`url` and `headers` as the API returned them).
    pub fn put_presigned(&self, upload: &Value, bytes: &[u8]) -> anyhow::Result<Answer> {
        let url = upload["url"].as_str().context("no url in the upload")?;
        let mut request = self.agent.put(url);
        for (name, value) in upload["headers"].as_object().into_iter().flatten() {
            if name.eq_ignore_ascii_case("content-length") {
                continue; // set from the body, which must be exactly this long
            }
            request = request.header(name, value.as_str().unwrap_or_default());
        }
        answer(request.send(bytes)?)
    }

    /// Both steps; fails unless the API and S3 accept. Returns the API's answer (it holds `avatar_url`).
    pub fn upload(&self, token: &str, content_type: &str, bytes: &[u8]) -> anyhow::Result<Value> {
        self.upload_to("/avatars/key_upload", token, content_type, bytes)
    }

    /// The page's whole upload for one image kind: ask `route` for a presigned upload, then PUT the bytes.
    pub fn upload_to(
        &self,
        route: &str,
        token: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> anyhow::Result<Value> {
        let body = json!({ "content_type": content_type, "content_length": bytes.len() });
        let granted = self.key_upload_at(route, Some(token), &body)?;
        if granted.status != 200 {
            bail!(
                "the API refused the upload: {} {}",
                granted.status,
                String::from_utf8_lossy(&granted.body)
            );
        }
        let upload = granted.json();
        let put = self.put_presigned(&upload, bytes)?;
        if put.status != 200 {
            bail!(
                "S3 refused the upload: {} {}",
                put.status,
                String::from_utf8_lossy(&put.body)
            );
        }
        Ok(upload)
    }

    /// A browser's CORS preflight for `POST <path>` with `authorization` and `content-type`, from `origin`.
    pub fn preflight(&self, url: &str, origin: &str) -> anyhow::Result<Answer> {
        self.preflight_for("POST", url, origin)
    }

    /// A browser's CORS preflight for `method <path>` with `authorization` and `content-type`, from `origin`.
    pub fn preflight_for(&self, method: &str, url: &str, origin: &str) -> anyhow::Result<Answer> {
        let request = self
            .agent
            .options(url)
            .header("origin", origin)
            .header("access-control-request-method", method)
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            );
        answer(request.call()?)
    }

    pub fn get(&self, url: &str) -> anyhow::Result<Answer> {
        answer(self.agent.get(url).call()?)
    }

    /// `GET url` with this `Accept` header (as a browser's `<img>` sends it).
    pub fn get_accepting(&self, url: &str, accept: &str) -> anyhow::Result<Answer> {
        answer(self.agent.get(url).header("accept", accept).call()?)
    }

    /// Polls `url` until it answers 200 with an ETag other than `previous` and other than the default image's
    /// (what a missing key is answered with), for at most `timeout`.
    pub fn wait_for_new(
        &self,
        url: &str,
        previous: Option<&str>,
        timeout: Duration,
    ) -> anyhow::Result<Answer> {
        let deadline = Instant::now() + timeout;
        loop {
            let answer = self.get(url)?;
            if answer.status == 200
                && answer.etag.as_deref() != previous
                && answer.etag.as_deref() != Some(crate::cdn::default_image_etag().as_str())
            {
                return Ok(answer);
            }
            if Instant::now() > deadline {
                bail!(
                    "{url} did not change within {timeout:?} (last: {} etag {:?})",
                    answer.status,
                    answer.etag
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn answer(mut response: http::Response<ureq::Body>) -> anyhow::Result<Answer> {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let etag = header("etag");
    let content_type = header("content-type");
    let allow_origin = header("access-control-allow-origin");
    let retry_after = header("retry-after");
    Ok(Answer {
        retry_after,
        status: response.status().as_u16(),
        etag,
        content_type,
        allow_origin,
        body: response.body_mut().read_to_vec()?,
    })
}
