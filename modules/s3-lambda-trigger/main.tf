################################################################################
# Permission: only this bucket, in this account, may invoke the function
################################################################################

resource "aws_lambda_permission" "this" {
  statement_id   = "AllowInvokeFromS3Bucket"
  action         = "lambda:InvokeFunction"
  function_name  = var.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = var.bucket_arn
  source_account = var.source_account
}

################################################################################
# Notification
################################################################################

resource "aws_s3_bucket_notification" "this" {
  bucket = var.bucket_id

  dynamic "lambda_function" {
    for_each = var.filter_prefixes

    content {
      id                  = "invoke-on-${replace(trimsuffix(lambda_function.value, "/"), "/", "-")}"
      lambda_function_arn = var.function_arn
      events              = var.events
      filter_prefix       = lambda_function.value
    }
  }

  depends_on = [aws_lambda_permission.this]
}
