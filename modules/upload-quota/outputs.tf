output "table_name" {
  description = "The table the upload functions count in (their settings' quota_table)."
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "For the upload functions' dynamodb:UpdateItem permission."
  value       = aws_dynamodb_table.this.arn
}
