mock_provider "aws" {}

variables {
  bucket_id       = "example-uploads"
  bucket_arn      = "arn:aws:s3:::example-uploads"
  source_account  = "123456789012"
  function_name   = "example-resize"
  function_arn    = "arn:aws:lambda:us-east-1:123456789012:function:example-resize"
  filter_prefixes = ["avatars/original/"]
}

run "scoped_permission_and_prefix" {
  command = plan

  assert {
    condition     = aws_lambda_permission.this.source_arn == var.bucket_arn && aws_lambda_permission.this.source_account == "123456789012"
    error_message = "The permission must be scoped by source ARN and source account."
  }

  assert {
    condition     = aws_s3_bucket_notification.this.lambda_function[0].filter_prefix == "avatars/original/"
    error_message = "Only the originals prefix may trigger the function."
  }

  assert {
    condition     = aws_s3_bucket_notification.this.lambda_function[0].events == toset(["s3:ObjectCreated:*"])
    error_message = "New objects trigger the function."
  }
}

run "refuses_bucket_wide_trigger" {
  command = plan

  variables {
    filter_prefixes = [""]
  }

  expect_failures = [var.filter_prefixes]
}
