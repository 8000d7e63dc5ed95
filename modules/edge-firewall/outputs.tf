output "web_acl_arn" {
  description = "ARN of the web ACL, for the distribution's `web_acl_id`."
  value       = aws_wafv2_web_acl.this.arn
}

output "log_group_name" {
  description = "Log group of the blocked requests (aws-waf-logs-<name>-edge)."
  value       = aws_cloudwatch_log_group.this.name
}
