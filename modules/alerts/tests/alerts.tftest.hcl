mock_provider "aws" {
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
