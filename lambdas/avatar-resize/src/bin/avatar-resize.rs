//! The Lambda entry point: read settings, build clients once, serve the kind's queue of S3 events.

use avatar_resize::handler::Resizer;
use avatar_resize::settings::Settings;
use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{service_fn, Error, LambdaEvent};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    // JSON lines when the function's logging_config says JSON (modules/lambda-function does), level from
    // AWS_LAMBDA_LOG_LEVEL or RUST_LOG.
    lambda_runtime::tracing::init_default_subscriber();

    let settings =
        Settings::from_env().inspect_err(|err| tracing::error!(%err, "cold start failed"))?;
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    // A custom endpoint (the local emulator) serves buckets by path, not by virtual host.
    let s3_config = aws_sdk_s3::config::Builder::from(&sdk)
        .force_path_style(sdk.endpoint_url().is_some())
        .build();
    let quota = settings.quota.clone().map(|settings| user_quota::Quota {
        settings,
        dynamodb: aws_sdk_dynamodb::Client::new(&sdk),
    });
    let resizer = Resizer {
        settings,
        s3: aws_sdk_s3::Client::from_conf(s3_config),
        cloudfront: aws_sdk_cloudfront::Client::new(&sdk),
        quota,
    };
    let resizer = &resizer;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        Ok::<_, Error>(resizer.handle_queue(event.payload).await)
    }))
    .await
}
