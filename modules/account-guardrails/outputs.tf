output "analyzer_arn" {
  description = "The account's external-access analyzer."
  value       = aws_accessanalyzer_analyzer.this.arn
}

output "findings_rule_arn" {
  description = "The EventBridge rule that sends active findings on: for `modules/alerts`' `event_rule_arns`."
  value       = aws_cloudwatch_event_rule.findings.arn
}
