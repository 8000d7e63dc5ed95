//! The CORS rules of the two browser-facing endpoints, each derived once from the config: the uploads bucket's
//! rule (rendered as HCL by `stack/storage.rs` and as S3 `CORSConfiguration` XML for the local S3 server) and the
//! HTTP API's (rendered as HCL by `stack/api.rs` and enforced by the local stack's API), so the local cloud
//! enforces exactly what AWS will.

use std::collections::BTreeSet;

use crate::config::Config;
use crate::topology::routes;

/// The HTTP API's CORS configuration: the app's origins, the methods of the configured routes, and the two
/// request headers the page sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCors {
    pub allow_origins: Vec<String>,
    pub allow_methods: Vec<&'static str>,
    pub allow_headers: Vec<&'static str>,
    pub max_age_seconds: u32,
}

impl ApiCors {
    pub fn from_config(config: &Config) -> Self {
        let methods: BTreeSet<&'static str> = routes(config)
            .keys()
            .filter_map(|key| match key.split_once(' ')?.0 {
                "GET" => Some("GET"),
                "POST" => Some("POST"),
                "PUT" => Some("PUT"),
                _ => None,
            })
            .collect();
        Self {
            allow_origins: config.api.cors_origins.clone(),
            allow_methods: methods.into_iter().collect(),
            allow_headers: vec!["authorization", "content-type"],
            max_age_seconds: config.api.cors_max_age_seconds,
        }
    }
}

/// One S3 CORS rule: the browser's direct upload of an original, from the app's origins only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadCors {
    pub allowed_methods: Vec<&'static str>,
    pub allowed_origins: Vec<String>,
    pub allowed_headers: Vec<&'static str>,
    pub expose_headers: Vec<&'static str>,
    pub max_age_seconds: u32,
}

impl UploadCors {
    pub fn from_config(config: &Config) -> Self {
        Self {
            allowed_methods: vec!["POST", "PUT"],
            allowed_origins: config.api.cors_origins.clone(),
            allowed_headers: vec!["content-type"],
            expose_headers: vec!["ETag"],
            max_age_seconds: config.api.cors_max_age_seconds,
        }
    }

    /// The rule as the body of S3's `PutBucketCors`.
    ///
    /// ```
    /// # use generator::cors::UploadCors;
    /// let cors = UploadCors {
    ///     allowed_methods: vec!["PUT"],
    ///     allowed_origins: vec!["https://app.example".into()],
    ///     allowed_headers: vec!["content-type"],
    ///     expose_headers: vec![],
    ///     max_age_seconds: 60,
    /// };
    /// assert!(cors.to_s3_xml().contains("<AllowedOrigin>https://app.example</AllowedOrigin>"));
    /// ```
    pub fn to_s3_xml(&self) -> String {
        let mut xml = String::from(
            "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n  <CORSRule>\n",
        );
        let mut element = |name: &str, value: &str| {
            xml.push_str(&format!("    <{name}>{}</{name}>\n", escape(value)));
        };
        for method in &self.allowed_methods {
            element("AllowedMethod", method);
        }
        for origin in &self.allowed_origins {
            element("AllowedOrigin", origin);
        }
        for header in &self.allowed_headers {
            element("AllowedHeader", header);
        }
        for header in &self.expose_headers {
            element("ExposeHeader", header);
        }
        element("MaxAgeSeconds", &self.max_age_seconds.to_string());
        xml.push_str("  </CORSRule>\n</CORSConfiguration>\n");
        xml
    }
}

fn escape(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
