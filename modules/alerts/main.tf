# Where the functions' alarms notify: one SNS topic per environment, with an email subscription (the address must
# confirm it from the message AWS sends).

resource "aws_sns_topic" "this" {
  # checkov:skip=CKV_AWS_26:CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed aws/sns key (its key policy does not admit CloudWatch); the messages are alarm state changes naming a function, no user data, and a customer key would cost more than the data is worth.
  name = var.topic_name
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.emails)

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}

# Only with EventBridge rules to admit (e.g. account-guardrails' findings): without this resource the topic keeps
# SNS's default policy, which already admits the account's CloudWatch alarms.
data "aws_iam_policy_document" "topic" {
  count = length(var.event_rule_arns) > 0 ? 1 : 0

  statement {
    sid       = "EventRulesOfThisStack"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = var.event_rule_arns
    }
  }
  # A topic policy replaces the default one, so the alarms are admitted again, from this account only.
  statement {
    sid       = "AlarmsOfThisAccount"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [split(":", aws_sns_topic.this.arn)[4]]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  count = length(var.event_rule_arns) > 0 ? 1 : 0

  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.topic[0].json
}
