output "s3_notification_prefixes" {
  description = "Prefixes that feed a queue, sorted."
  value       = [for s in local.subscriptions : s.prefix]
}

output "queue_arns" {
  description = "Each target's event queue ARN, by target key."
  value       = { for key, q in aws_sqs_queue.events : key => q.arn }
}
