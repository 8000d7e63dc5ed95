//! The Lambda entry point: read settings, build the S3 client once, serve HTTP API (payload v2) events.

use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use lambda_runtime::{service_fn, Error, LambdaEvent};
use upload_url::handler::UploadUrl;
use upload_url::settings::Settings;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    // JSON lines when the function's logging_config says JSON (modules/lambda-function does), level from
    // AWS_LAMBDA_LOG_LEVEL or RUST_LOG.
    lambda_runtime::tracing::init_default_subscriber();

    let settings =
        Settings::from_env().inspect_err(|err| tracing::error!(%err, "cold start failed"))?;
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let quota = settings
        .quota
        .clone()
        .map(|settings| upload_url::quota::Quota {
            settings,
            dynamodb: aws_sdk_dynamodb::Client::new(&sdk),
        });
    let handler = UploadUrl {
        settings,
        s3: upload_url::s3_client(&sdk),
        quota,
    };
    let handler = &handler;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<ApiGatewayV2httpRequest>| async move {
            Ok::<_, std::convert::Infallible>(handler.handle(event.payload).await)
        },
    ))
    .await
}
