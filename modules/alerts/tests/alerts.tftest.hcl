mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:123456789012:cruddur-dev-alarms"
    }
  }
}

variables {
  topic_name = "cruddur-dev-alarms"
  emails     = ["ops@example.com"]
}

run "alarms_reach_the_operator_by_email" {
  command = apply

  assert {
    condition     = aws_sns_topic_subscription.email["ops@example.com"].protocol == "email" && aws_sns_topic_subscription.email["ops@example.com"].topic_arn == aws_sns_topic.this.arn
    error_message = "Each address is an email subscription of the topic."
  }
}

run "refuses_what_is_not_an_address" {
  command = plan

  variables {
    emails = ["ops at example"]
  }

  expect_failures = [var.emails]
}

run "the_topic_admits_the_findings_rule_and_the_alarms_only" {
  command = apply

  variables {
    event_rule_arns = ["arn:aws:events:us-east-1:123456789012:rule/cruddur-dev-external-access-findings"]
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.topic[0].statement : one([for c in s.condition : c.values if c.variable == "aws:SourceArn"]) if s.sid == "EventRulesOfThisStack"]) == tolist(["arn:aws:events:us-east-1:123456789012:rule/cruddur-dev-external-access-findings"])
    error_message = "EventBridge may publish for the named rules only."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.topic[0].statement : one([for c in s.condition : c.values if c.variable == "aws:SourceAccount"]) if s.sid == "AlarmsOfThisAccount"]) == tolist(["123456789012"])
    error_message = "CloudWatch alarms of this account only (a topic policy replaces the default)."
  }

  assert {
    condition     = aws_sns_topic_policy.this[0].arn == aws_sns_topic.this.arn
    error_message = "The policy is the topic's."
  }
}
