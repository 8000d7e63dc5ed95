output "s3_bucket_id" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.id
}

output "s3_bucket_arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}

output "s3_bucket_regional_domain_name" {
  description = "Regional domain name, used as the CloudFront origin."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}
