//! The Lambda entry point: the database URL's source once per cold start, then one handler per request.
#![recursion_limit = "256"] // the layout of lambda_runtime's service future around the SDK and Postgres futures

use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use lambda_runtime::{service_fn, Error, LambdaEvent};
use profile_api::handler::ProfileApi;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let api: ProfileApi = profile_api::from_env()
        .await
        .inspect_err(|err| tracing::error!(err, "cold start failed"))?;
    let api = &api;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<ApiGatewayV2httpRequest>| async move {
            Ok::<_, Error>(api.handle(event.payload).await)
        },
    ))
    .await
}
