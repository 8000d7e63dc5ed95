output "s3_notification_prefixes" {
  description = "Prefixes that trigger a function, sorted."
  value       = [for s in local.subscriptions : s.prefix]
}
