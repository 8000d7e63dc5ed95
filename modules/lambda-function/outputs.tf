output "lambda_function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "lambda_function_arn" {
  description = "ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "lambda_function_invoke_arn" {
  description = "ARN used by API Gateway integrations."
  value       = aws_lambda_function.this.invoke_arn
}

output "lambda_role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "lambda_failure_queue_arn" {
  description = "ARN of the on-failure SQS queue, or null when none was asked for."
  value       = try(aws_sqs_queue.failures[0].arn, null)
}

output "alarm_names" {
  description = "The function's CloudWatch alarms: errors, and the failure queue's depth when it has one."
  value       = concat([aws_cloudwatch_metric_alarm.errors.alarm_name], aws_cloudwatch_metric_alarm.failure_queue[*].alarm_name)
}
