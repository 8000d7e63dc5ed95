mock_provider "aws" {}

variables {
  bucket_id      = "example-uploads"
  bucket_arn     = "arn:aws:s3:::example-uploads"
  source_account = "123456789012"
  targets = {
    avatar = {
      function_arn               = "arn:aws:lambda:us-east-1:123456789012:function:example-avatar-resize"
      queue_name                 = "example-avatar-resize-events"
      filter_prefixes            = ["avatars/original/"]
      max_concurrency            = 3
      visibility_timeout_seconds = 180
      failure_queue_arn          = "arn:aws:sqs:us-east-1:123456789012:example-avatar-resize-failures"
      max_receive_count          = 3
    }
    banner = {
      function_arn               = "arn:aws:lambda:us-east-1:123456789012:function:example-banner-resize"
      queue_name                 = "example-banner-resize-events"
      filter_prefixes            = ["banners/original/"]
      max_concurrency            = 2
      visibility_timeout_seconds = 180
      failure_queue_arn          = "arn:aws:sqs:us-east-1:123456789012:example-banner-resize-failures"
      max_receive_count          = 1
    }
  }
}

run "each_prefix_feeds_its_kinds_queue" {
  command = apply

  assert {
    condition     = aws_s3_bucket_notification.this.queue[0].filter_prefix == "avatars/original/" && aws_s3_bucket_notification.this.queue[0].queue_arn == aws_sqs_queue.events["avatar"].arn && aws_s3_bucket_notification.this.queue[1].filter_prefix == "banners/original/" && aws_s3_bucket_notification.this.queue[1].queue_arn == aws_sqs_queue.events["banner"].arn
    error_message = "Each kind's originals prefix feeds that kind's queue, and nothing else."
  }

  assert {
    condition     = aws_s3_bucket_notification.this.queue[0].events == toset(["s3:ObjectCreated:*"]) && length(aws_s3_bucket_notification.this.lambda_function) == 0
    error_message = "New objects go to the queues; S3 invokes no function directly."
  }
}

run "the_queue_caps_concurrency_and_redrives_to_the_failure_queue" {
  command = plan

  assert {
    condition     = aws_lambda_event_source_mapping.this["avatar"].scaling_config[0].maximum_concurrency == 3 && aws_lambda_event_source_mapping.this["banner"].scaling_config[0].maximum_concurrency == 2
    error_message = "Each function's concurrency is capped by its mapping's maximum_concurrency."
  }

  assert {
    condition     = alltrue([for m in aws_lambda_event_source_mapping.this : m.batch_size == 1 && m.function_response_types == toset(["ReportBatchItemFailures"])])
    error_message = "One event per invocation, and a failed event is reported alone."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.events["avatar"].redrive_policy).deadLetterTargetArn == "arn:aws:sqs:us-east-1:123456789012:example-avatar-resize-failures" && jsondecode(aws_sqs_queue.events["avatar"].redrive_policy).maxReceiveCount == 3
    error_message = "An event that failed every receive moves to the function's failure queue."
  }

  assert {
    condition     = alltrue([for q in aws_sqs_queue.events : q.sqs_managed_sse_enabled])
    error_message = "The queues are encrypted at rest."
  }
}

run "only_the_bucket_in_its_account_may_send" {
  command = apply

  assert {
    condition = alltrue([for k, p in aws_sqs_queue_policy.events : anytrue([
      for s in jsondecode(p.policy).Statement : s.Effect == "Allow" && s.Action == "sqs:SendMessage" && try(s.Principal.Service, "") == "s3.amazonaws.com"
      && try(s.Condition.ArnEquals["aws:SourceArn"], "") == var.bucket_arn && try(s.Condition.StringEquals["aws:SourceAccount"], "") == "123456789012"
    ])]) && length(aws_sqs_queue_policy.events) == 2
    error_message = "S3 may send to a queue only for this bucket in this account."
  }

  assert {
    condition = alltrue([for k, p in aws_sqs_queue_policy.events : anytrue([
      for s in jsondecode(p.policy).Statement : s.Effect == "Deny" && try(s.Condition.Bool["aws:SecureTransport"], "") == "false"
    ])])
    error_message = "Each queue refuses requests without TLS."
  }
}

run "refuses_bucket_wide_trigger" {
  command = plan

  variables {
    targets = {
      avatar = {
        function_arn               = "arn:aws:lambda:us-east-1:123456789012:function:example-avatar-resize"
        queue_name                 = "example-avatar-resize-events"
        filter_prefixes            = [""]
        max_concurrency            = 2
        visibility_timeout_seconds = 180
        failure_queue_arn          = "arn:aws:sqs:us-east-1:123456789012:example-avatar-resize-failures"
        max_receive_count          = 3
      }
    }
  }

  expect_failures = [var.targets]
}

run "refuses_a_concurrency_sqs_does_not_take" {
  command = plan

  variables {
    targets = {
      avatar = {
        function_arn               = "arn:aws:lambda:us-east-1:123456789012:function:example-avatar-resize"
        queue_name                 = "example-avatar-resize-events"
        filter_prefixes            = ["avatars/original/"]
        max_concurrency            = 1
        visibility_timeout_seconds = 180
        failure_queue_arn          = "arn:aws:sqs:us-east-1:123456789012:example-avatar-resize-failures"
        max_receive_count          = 3
      }
    }
  }

  expect_failures = [var.targets]
}
