################################################################################
# Queue per target: S3 sends each event to it, and only this bucket in this account may
################################################################################

resource "aws_sqs_queue" "events" {
  for_each = var.targets

  name                       = each.value.queue_name
  sqs_managed_sse_enabled    = true
  message_retention_seconds  = var.message_retention_seconds
  visibility_timeout_seconds = each.value.visibility_timeout_seconds

  # An event that failed every receive moves to the function's failure queue (its alarm fires there). Left out on
  # the emulator, which reads the policy back reformatted (a change at every plan); the local cloud applies the same
  # receive count itself.
  redrive_policy = var.local_emulator ? null : jsonencode({
    deadLetterTargetArn = each.value.failure_queue_arn
    maxReceiveCount     = each.value.max_receive_count
  })
}

# The policy as JSON, not an aws_iam_policy_document: the document is read again at every plan and showed as a
# change after each apply against the emulator.
resource "aws_sqs_queue_policy" "events" {
  for_each = var.targets

  queue_url = aws_sqs_queue.events[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # Bucket names can be re-registered by another account after deletion: both the ARN and the owner must match.
        Sid       = "AllowS3EventsFromTheBucket"
        Effect    = "Allow"
        Principal = { Service = "s3.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.events[each.key].arn
        Condition = {
          ArnEquals    = { "aws:SourceArn" = var.bucket_arn }
          StringEquals = { "aws:SourceAccount" = var.source_account }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = aws_sqs_queue.events[each.key].arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

################################################################################
# Event source mapping: the function's concurrency is capped here, without reserved concurrency
################################################################################

resource "aws_lambda_event_source_mapping" "this" {
  for_each = var.targets

  event_source_arn = aws_sqs_queue.events[each.key].arn
  function_name    = each.value.function_arn
  # One S3 event per invocation: the function's memory budget is sized for one decode at a time.
  batch_size              = 1
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = each.value.max_concurrency
  }
}

################################################################################
# Notification
################################################################################

locals {
  # One notification per (queue, prefix), in a stable order (sorted by prefix).
  subscriptions = [
    for prefix in sort(flatten([for t in values(var.targets) : t.filter_prefixes])) : {
      prefix = prefix
      target = one([for key, t in var.targets : key if contains(t.filter_prefixes, prefix)])
    }
  ]
}

resource "aws_s3_bucket_notification" "this" {
  bucket = var.bucket_id

  dynamic "queue" {
    for_each = local.subscriptions

    content {
      id            = "queue-on-${replace(trimsuffix(queue.value.prefix, "/"), "/", "-")}"
      queue_arn     = aws_sqs_queue.events[queue.value.target].arn
      events        = var.events
      filter_prefix = queue.value.prefix
    }
  }

  # S3 checks that it may send to each queue when the notification is put.
  depends_on = [aws_sqs_queue_policy.events]
}
