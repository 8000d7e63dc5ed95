//! Log lines the stack raises alarms on: the function writes the text, the generator matches it with a metric
//! filter (`modules/lambda-function`'s `log_alarms`), so the two cannot drift apart.

/// upload-url could not count an upload URL against the user's hourly budget (DynamoDB failed) and allowed it:
/// the budget fails open, so every occurrence must be seen.
pub const QUOTA_UNAVAILABLE: &str = "upload quota unavailable";
