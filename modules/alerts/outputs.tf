output "topic_arn" {
  description = "For the functions' alarm_topic_arns."
  value       = aws_sns_topic.this.arn
}
