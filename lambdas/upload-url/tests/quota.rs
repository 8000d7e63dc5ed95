//! Issue 18 finding 5: the upload-URL budget is per user. Against moto's DynamoDB: one user who spends their
//! hour's budget gets 429 with Retry-After, another user is unaffected, and the next hour starts afresh.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, SystemTime};

use common::{body_json, event, handler, with_sub, SUB};
use upload_url::quota::{Quota, QuotaSettings};

const TABLE: &str = "cruddur-dev-upload-quota";
const OTHER: &str = "9b2c4e6f-0a1b-4c3d-8e7f-6a5b4c3d2e1f";

#[tokio::test]
async fn one_user_spending_their_budget_leaves_everyone_else_theirs() {
    let moto = test_support::start_moto();
    let sdk = test_support::local_sdk_config(&moto.endpoint, "local", "local");
    let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
    test_support::create_quota_table(&dynamodb, TABLE).await;

    let mut upload = handler(
        "http://127.0.0.1:9",
        "cruddur-dev-avatar-uploads",
        "AKIDEXAMPLE",
        "secret",
    );
    upload.quota = Some(Quota {
        settings: QuotaSettings {
            table: TABLE.to_owned(),
            counter: upload_url::quota::Counter::UploadUrls,
            per_hour: 3,
        },
        dynamodb,
    });
    // 40 minutes into an hour.
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_040_000 + 2_400);
    let body = r#"{"content_type":"image/jpeg","content_length":1000}"#;
    let status =
        |response: &aws_lambda_events::apigw::ApiGatewayV2httpResponse| response.status_code;

    for attempt in 1..=3 {
        let response = upload.handle_at(event(body), now).await;
        assert_eq!(
            status(&response),
            200,
            "attempt {attempt}: {}",
            body_json(&response)
        );
    }
    let refused = upload.handle_at(event(body), now).await;
    assert_eq!(status(&refused), 429);
    assert_eq!(body_json(&refused)["error"], "too_many_uploads");
    // The budget renews at the top of the hour, 20 minutes on.
    assert_eq!(refused.headers["retry-after"], "1200");

    let other = upload.handle_at(with_sub(event(body), OTHER), now).await;
    assert_eq!(
        status(&other),
        200,
        "another user is not throttled by {SUB}"
    );

    let next_hour = now + Duration::from_secs(1_200);
    let renewed = upload.handle_at(event(body), next_hour).await;
    assert_eq!(status(&renewed), 200, "{}", body_json(&renewed));
}
