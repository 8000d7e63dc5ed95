################################################################################
# Permission: only this bucket, in this account, may invoke the function
################################################################################

resource "aws_lambda_permission" "this" {
  for_each = var.targets

  statement_id   = "AllowInvokeFromS3Bucket"
  action         = "lambda:InvokeFunction"
  function_name  = each.value.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = var.bucket_arn
  source_account = var.source_account
}

################################################################################
# Notification
################################################################################

locals {
  # One notification per (function, prefix), in a stable order (sorted by prefix).
  subscriptions = [
    for prefix in sort(flatten([for t in values(var.targets) : t.filter_prefixes])) : {
      prefix       = prefix
      function_arn = one([for t in values(var.targets) : t.function_arn if contains(t.filter_prefixes, prefix)])
    }
  ]
}

resource "aws_s3_bucket_notification" "this" {
  bucket = var.bucket_id

  dynamic "lambda_function" {
    for_each = local.subscriptions

    content {
      id                  = "invoke-on-${replace(trimsuffix(lambda_function.value.prefix, "/"), "/", "-")}"
      lambda_function_arn = lambda_function.value.function_arn
      events              = var.events
      filter_prefix       = lambda_function.value.prefix
    }
  }

  depends_on = [aws_lambda_permission.this]
}
