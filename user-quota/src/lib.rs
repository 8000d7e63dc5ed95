//! Per-user hourly budgets: one DynamoDB item per user and hour (`pk` = `<sub>#<hour>`), one numeric attribute
//! per [`Counter`], each counted with a conditional update. upload-url counts the upload URLs it signs; avatar-resize
//! counts the originals it is about to decode, because a presigned URL takes any number of PUTs until it expires and
//! each changed PUT is an event.
//!
//! These budgets bound what one user *gets* (URLs, decodes). They run inside the function, after API Gateway has
//! counted the request against the route's throttle, which all users share: the per-user limit *before* that
//! throttle is the edge's (modules/edge-firewall: an AWS WAF rate rule per `Authorization` value on the
//! distribution the API is reached through, `api.requests_per_user_per_5_minutes`).
//!
//! When DynamoDB fails (throttled, the table or the permission missing) the caller allows the request and logs
//! [`pipeline_contract::logs::QUOTA_UNAVAILABLE`]: the budget is a guard against abuse, and failing closed would
//! refuse every upload for everyone. The generator turns that line into a metric filter and an alarm
//! (`<function>-quota-unavailable`, on the `[alerts]` topic), so failing open is never silent.
//!
//! Why DynamoDB and not a counter on the user's row: neither function has a database connection (no VPC, no
//! connection set-up per cold start), and one on-demand write per request is the whole cost (about $0.63 per
//! million requests in us-east-1, late 2025) with items expiring by TTL. A fixed hour window allows up to twice the
//! limit across a window boundary; that is enough to stop a flood and needs one write instead of two.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::AttributeValue;

const WINDOW_SECONDS: u64 = 3600;

/// The most the generator accepts for `upload.uploads_per_user_per_hour`.
pub const MAX_PER_HOUR: u32 = pipeline_contract::limits::MAX_UPLOADS_PER_USER_PER_HOUR;

/// What a budget counts: each is its own attribute of the user's item for the hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// Upload URLs signed (upload-url).
    UploadUrls,
    /// Originals decoded (avatar-resize), every image kind together.
    Resizes,
}

impl Counter {
    fn attribute(self) -> &'static str {
        match self {
            Counter::UploadUrls => "uploads",
            Counter::Resizes => "resizes",
        }
    }
}

/// Where the counters live, which one this is and how many a user gets per hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaSettings {
    pub table: String,
    pub counter: Counter,
    pub per_hour: u32,
}

pub struct Quota {
    pub settings: QuotaSettings,
    pub dynamodb: aws_sdk_dynamodb::Client,
}

/// The answer for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowance {
    Granted,
    /// The user's budget for this hour is spent; it renews in `retry_after` seconds.
    Exhausted {
        retry_after: u64,
    },
}

impl Quota {
    /// Counts one request of `sub` at `now` against its hour.
    pub async fn take(
        &self,
        sub: &str,
        now: SystemTime,
    ) -> Result<Allowance, SdkError<UpdateItemError>> {
        let seconds = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let window = seconds / WINDOW_SECONDS;
        let window_end = (window + 1) * WINDOW_SECONDS;
        let result = self
            .dynamodb
            .update_item()
            .table_name(&self.settings.table)
            .key("pk", AttributeValue::S(format!("{sub}#{window}")))
            .update_expression("ADD #count :one SET #expires = if_not_exists(#expires, :expires)")
            .condition_expression("attribute_not_exists(#count) OR #count < :limit")
            .expression_attribute_names("#count", self.settings.counter.attribute())
            .expression_attribute_names("#expires", "expires_at")
            .expression_attribute_values(":one", AttributeValue::N("1".to_owned()))
            .expression_attribute_values(
                ":limit",
                AttributeValue::N(self.settings.per_hour.to_string()),
            )
            // Kept a window past its end, then DynamoDB's TTL deletes it.
            .expression_attribute_values(
                ":expires",
                AttributeValue::N((window_end + WINDOW_SECONDS).to_string()),
            )
            .send()
            .await;
        match result {
            Ok(_) => Ok(Allowance::Granted),
            Err(err)
                if matches!(
                    err.as_service_error(),
                    Some(UpdateItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                Ok(Allowance::Exhausted {
                    retry_after: window_end.saturating_sub(seconds).max(1),
                })
            }
            Err(err) => Err(err),
        }
    }
}
