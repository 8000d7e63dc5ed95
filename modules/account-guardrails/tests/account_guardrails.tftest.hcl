mock_provider "aws" {
  mock_resource "aws_accessanalyzer_analyzer" {
    defaults = { arn = "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/cruddur-prod-external-access" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:us-east-1:123456789012:rule/cruddur-prod-external-access-findings" }
  }
}

variables {
  name_prefix     = "cruddur-prod"
  alarm_topic_arn = "arn:aws:sns:us-east-1:123456789012:cruddur-prod-alarms"
}

run "every_bucket_of_the_account_stays_private" {
  command = apply

  assert {
    condition     = aws_s3_account_public_access_block.this.block_public_acls && aws_s3_account_public_access_block.this.block_public_policy && aws_s3_account_public_access_block.this.ignore_public_acls && aws_s3_account_public_access_block.this.restrict_public_buckets
    error_message = "All four account-level Block Public Access settings are on."
  }
}

run "an_outside_principal_reaches_the_alarm_topic" {
  command = apply

  assert {
    condition     = aws_accessanalyzer_analyzer.this.type == "ACCOUNT" && aws_accessanalyzer_analyzer.this.analyzer_name == "cruddur-prod-external-access"
    error_message = "One account analyzer: it reports what a principal outside the account can use."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.findings.event_pattern).source == ["aws.access-analyzer"] && jsondecode(aws_cloudwatch_event_rule.findings.event_pattern).detail.status == ["ACTIVE"] && jsondecode(aws_cloudwatch_event_rule.findings.event_pattern).resources == ["arn:aws:access-analyzer:us-east-1:123456789012:analyzer/cruddur-prod-external-access"]
    error_message = "The rule matches this analyzer's active findings."
  }

  assert {
    condition     = aws_cloudwatch_event_target.alarm_topic[0].arn == "arn:aws:sns:us-east-1:123456789012:cruddur-prod-alarms" && aws_cloudwatch_event_target.alarm_topic[0].rule == aws_cloudwatch_event_rule.findings.name
    error_message = "Findings go to the alarm topic."
  }
}

run "without_a_topic_findings_stay_in_the_console" {
  command = plan

  variables {
    alarm_topic_arn = null
  }

  assert {
    condition     = length(aws_cloudwatch_event_target.alarm_topic) == 0
    error_message = "No target without a topic."
  }
}
