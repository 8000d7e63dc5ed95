//! The object store of the local stack: s3rver, which checks SigV4 signatures (presigned URLs included), their
//! expiry and the bucket's CORS rule, as S3 does. moto keeps the buckets' configuration (Terraform applies there);
//! s3rver holds the objects, with the uploads bucket's CORS rule rendered from the same config.

use std::path::Path;

use generator::config::Config;
use generator::cors::UploadCors;
use test_support::{Server, S3RVER_ACCESS_KEY, S3RVER_SECRET_KEY};

/// Starts s3rver with the environment's two buckets, posting its events to `notify_url`; its data lives in
/// `data_dir`.
pub fn start(config: &Config, data_dir: &Path, notify_url: &str) -> anyhow::Result<Server> {
    let cors = data_dir.join("uploads-cors.xml");
    std::fs::write(&cors, UploadCors::from_config(config).to_s3_xml())?;
    let objects = data_dir.join("objects");
    std::fs::create_dir_all(&objects)?;
    Ok(test_support::start_s3rver_notifying(
        &objects,
        &[
            (config.buckets.uploads.as_str(), Some(cors.as_path())),
            (config.buckets.assets.as_str(), None),
        ],
        Some(notify_url),
    ))
}

/// An S3 client for s3rver (path-style, its built-in credentials).
pub fn client(endpoint: &str) -> aws_sdk_s3::Client {
    let sdk = test_support::local_sdk_config(endpoint, S3RVER_ACCESS_KEY, S3RVER_SECRET_KEY);
    let config = aws_sdk_s3::config::Builder::from(&sdk)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}
