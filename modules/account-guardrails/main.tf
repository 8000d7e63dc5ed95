# Account-wide guardrails that no single bucket or role setting gives: S3 Block Public Access for the whole account,
# and an IAM Access Analyzer whose findings (a role, bucket, key or queue that an outside principal can use) go to
# the alarm topic. What the CI apply role could still do inside its grants (create a function role trusted by
# another account, say) is then seen within minutes. Applied by an administrator: CI may read these, never change
# them (modules/github-oidc denies it).

# Every bucket of the account, present or future, stays private whatever its own policy or ACL says.
resource "aws_s3_account_public_access_block" "this" {
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_accessanalyzer_analyzer" "this" {
  analyzer_name = "${var.name_prefix}-external-access"
  type          = "ACCOUNT"
}

# Access Analyzer publishes each new or changed finding to EventBridge; only the active ones need a person.
resource "aws_cloudwatch_event_rule" "findings" {
  name        = "${var.name_prefix}-external-access-findings"
  description = "Active IAM Access Analyzer findings of ${aws_accessanalyzer_analyzer.this.analyzer_name}: a resource shared outside the account"
  event_pattern = jsonencode({
    source      = ["aws.access-analyzer"]
    detail-type = ["Access Analyzer Finding"]
    detail = {
      status = ["ACTIVE"]
    }
    resources = [aws_accessanalyzer_analyzer.this.arn]
  })
}

resource "aws_cloudwatch_event_target" "alarm_topic" {
  count = var.alarm_topic_arn == null ? 0 : 1

  rule      = aws_cloudwatch_event_rule.findings.name
  target_id = "alarm-topic"
  arn       = var.alarm_topic_arn
}
