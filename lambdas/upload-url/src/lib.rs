//! `POST /avatars/key_upload`: a short-lived presigned S3 PUT for the signed-in user's avatar original.
//!
//! - [`settings`]: configuration from the environment variables that the generator emits.
//! - [`request`]: the JSON body (new and reference-app forms) and its validation.
//! - [`handler`]: claims → key → presigned URL → JSON response; every error is JSON with a stable code.
//! - [`quota`]: the per-user hourly budget of upload URLs (the `user-quota` crate's DynamoDB counter).
//!
//! The JWT is verified by the HTTP API's authorizer before this function runs; CORS is the HTTP API's too.

pub mod handler;
pub mod request;
pub mod settings;

pub use user_quota as quota;

/// The S3 client the presigner uses. No checksum unless S3 requires one: a checksum computed over the empty
/// request body would be signed into the URL and make every real upload fail. A custom endpoint (the local
/// emulator) serves buckets by path.
pub fn s3_client(sdk: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(sdk)
        .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired)
        .force_path_style(sdk.endpoint_url().is_some())
        .build();
    aws_sdk_s3::Client::from_conf(config)
}
