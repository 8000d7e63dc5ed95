################################################################################
# Function
################################################################################

resource "aws_lambda_function" "this" {
  # checkov:skip=CKV_AWS_116:Failed asynchronous events go to an SQS on-failure destination (aws_lambda_function_event_invoke_config), which carries more context than a DLQ; synchronous (HTTP API) invocations have no DLQ semantics.
  # checkov:skip=CKV_AWS_117:A VPC is opt-in (var.vpc_subnet_ids, from the config's database section): the avatar functions only call public AWS APIs, where a VPC would add NAT cost and cold-start latency without isolating anything.
  # checkov:skip=CKV_AWS_173:Environment variables hold bucket names and limits, never secrets; the AWS-managed key already encrypts them at rest.
  # checkov:skip=CKV_AWS_272:Artifacts are built from this repository by CI and pinned by source_code_hash; code signing needs a Signer profile per account and is left to the deploying organisation.
  # checkov:skip=CKV_AWS_115:Reserved concurrency comes from the environment's config (var.reserved_concurrency); new accounts cannot reserve any, so it cannot be forced here.
  function_name = var.function_name
  description   = var.description
  role          = aws_iam_role.this.arn

  filename         = var.zip_path
  source_code_hash = filebase64sha256(var.zip_path)
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = [var.architecture]

  memory_size                    = var.memory_mb
  timeout                        = var.timeout_seconds
  reserved_concurrent_executions = var.reserved_concurrency == null ? -1 : var.reserved_concurrency

  tracing_config {
    mode = "PassThrough"
  }

  environment {
    variables = var.environment_variables
  }

  dynamic "vpc_config" {
    for_each = length(var.vpc_subnet_ids) > 0 ? [1] : []
    content {
      subnet_ids         = var.vpc_subnet_ids
      security_group_ids = var.vpc_security_group_ids
    }
  }

  # The emulator does not store a logging config (a change on every plan); without one Lambda logs as text to
  # /aws/lambda/<name>, the same group.
  dynamic "logging_config" {
    for_each = var.local_emulator ? [] : [aws_cloudwatch_log_group.this.name]
    content {
      log_format = "JSON"
      log_group  = logging_config.value
    }
  }

  depends_on = [aws_iam_role_policy.this]
}

# Loops are prevented by design (two buckets, prefix filter); Lambda's recursion detection is the backstop.
resource "aws_lambda_function_recursion_config" "this" {
  count = var.local_emulator ? 0 : 1

  function_name  = aws_lambda_function.this.function_name
  recursive_loop = "Terminate"
}

resource "aws_cloudwatch_log_group" "this" {
  # checkov:skip=CKV_AWS_158:Logs carry object keys and error reasons, no personal data beyond a user id; the CloudWatch service key encrypts them at rest.
  # checkov:skip=CKV_AWS_338:Retention is set per environment in config.toml (prod keeps a year); short retention in dev is deliberate.
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
}

################################################################################
# Asynchronous failures
################################################################################

resource "aws_sqs_queue" "failures" {
  count = var.async_failure_queue ? 1 : 0

  name                      = "${var.function_name}-failures"
  message_retention_seconds = var.failure_queue_retention_seconds
  sqs_managed_sse_enabled   = true
}

resource "aws_lambda_function_event_invoke_config" "this" {
  count = var.async_failure_queue ? 1 : 0

  function_name                = aws_lambda_function.this.function_name
  maximum_retry_attempts       = var.maximum_retry_attempts
  maximum_event_age_in_seconds = var.maximum_event_age_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.failures[0].arn
    }
  }
}

################################################################################
# Alarms: a failed invocation, and an event left in the failure queue, are never silent
################################################################################

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${var.function_name}-errors"
  alarm_description   = "${var.function_name} failed at least once in 5 minutes (Errors; see its log group)."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_topic_arns
  ok_actions          = var.alarm_topic_arns
}

# After its retries an event lands here: a user's upload that produced no image.
resource "aws_cloudwatch_metric_alarm" "failure_queue" {
  count = var.async_failure_queue ? 1 : 0

  alarm_name          = "${var.function_name}-failure-queue"
  alarm_description   = "Events of ${var.function_name} failed every retry and wait in ${aws_sqs_queue.failures[0].name}."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.failures[0].name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_topic_arns
  ok_actions          = var.alarm_topic_arns
}

# Log lines that must not pass unnoticed (e.g. a safety check that failed open): each becomes a metric and an alarm.
resource "aws_cloudwatch_log_metric_filter" "log_alarm" {
  for_each = { for alarm in var.log_alarms : alarm.name => alarm }

  name           = "${var.function_name}-${each.key}"
  log_group_name = aws_cloudwatch_log_group.this.name
  pattern        = each.value.pattern

  metric_transformation {
    name      = each.key
    namespace = "LogAlarms/${var.function_name}"
    value     = "1"
  }
}

resource "aws_cloudwatch_metric_alarm" "log_alarm" {
  for_each = { for alarm in var.log_alarms : alarm.name => alarm }

  alarm_name          = "${var.function_name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = "LogAlarms/${var.function_name}"
  metric_name         = aws_cloudwatch_log_metric_filter.log_alarm[each.key].metric_transformation[0].name
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_topic_arns
  ok_actions          = var.alarm_topic_arns
}

################################################################################
# Role: logs, the failure queue, and the caller's statements only
################################################################################

resource "aws_iam_role" "this" {
  name                 = var.function_name
  path                 = var.role_path
  permissions_boundary = var.permissions_boundary

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "this" {
  name = "least-privilege"
  role = aws_iam_role.this.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.this.arn}:*"
      }],
      [for q in aws_sqs_queue.failures : {
        Sid      = "SendFailedEvents"
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = q.arn
      }],
      # Every caller statement allows; a statement without a Condition has no Condition key (IAM refuses null).
      [for s in var.policy_statements : merge(
        { Sid = s.Sid, Effect = "Allow", Action = s.Action, Resource = s.Resource },
        s.Condition == null ? {} : { Condition = s.Condition },
      )],
    )
  })
}

# A function in a VPC manages its network interfaces (AWS's policy for exactly that).
resource "aws_iam_role_policy_attachment" "vpc_access" {
  count = length(var.vpc_subnet_ids) > 0 ? 1 : 0

  role       = aws_iam_role.this.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

moved {
  from = aws_lambda_function_recursion_config.this
  to   = aws_lambda_function_recursion_config.this[0]
}
