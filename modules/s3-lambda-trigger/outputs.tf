output "s3_notification_prefixes" {
  description = "Prefixes that trigger the function."
  value       = var.filter_prefixes
}
