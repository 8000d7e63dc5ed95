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
