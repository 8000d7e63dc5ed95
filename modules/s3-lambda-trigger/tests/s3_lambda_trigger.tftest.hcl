mock_provider "aws" {}

variables {
  bucket_id      = "example-uploads"
  bucket_arn     = "arn:aws:s3:::example-uploads"
  source_account = "123456789012"
  targets = {
    avatar = {
      function_name   = "example-avatar-resize"
      function_arn    = "arn:aws:lambda:us-east-1:123456789012:function:example-avatar-resize"
      filter_prefixes = ["avatars/original/"]
    }
    banner = {
      function_name   = "example-banner-resize"
      function_arn    = "arn:aws:lambda:us-east-1:123456789012:function:example-banner-resize"
      filter_prefixes = ["banners/original/"]
    }
  }
}

run "scoped_permission_and_prefix" {
  command = plan

  assert {
    condition     = alltrue([for p in aws_lambda_permission.this : p.source_arn == var.bucket_arn && p.source_account == "123456789012"]) && length(aws_lambda_permission.this) == 2
    error_message = "The permission must be scoped by source ARN and source account."
  }

  assert {
    condition     = aws_s3_bucket_notification.this.lambda_function[0].filter_prefix == "avatars/original/" && aws_s3_bucket_notification.this.lambda_function[0].lambda_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:example-avatar-resize" && aws_s3_bucket_notification.this.lambda_function[1].filter_prefix == "banners/original/" && aws_s3_bucket_notification.this.lambda_function[1].lambda_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:example-banner-resize"
    error_message = "Each kind's originals prefix triggers that kind's function, and nothing else."
  }

  assert {
    condition     = aws_s3_bucket_notification.this.lambda_function[0].events == toset(["s3:ObjectCreated:*"])
    error_message = "New objects trigger the function."
  }
}

run "refuses_bucket_wide_trigger" {
  command = plan

  variables {
    targets = {
      avatar = {
        function_name   = "example-avatar-resize"
        function_arn    = "arn:aws:lambda:us-east-1:123456789012:function:example-avatar-resize"
        filter_prefixes = [""]
      }
    }
  }

  expect_failures = [var.targets]
}
