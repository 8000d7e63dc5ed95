output "cloudfront_distribution_id" {
  description = "Id of the distribution (for invalidations)."
  value       = aws_cloudfront_distribution.this.id
}

output "cloudfront_distribution_arn" {
  description = "ARN of the distribution; the bucket policy lets only this ARN read."
  value       = aws_cloudfront_distribution.this.arn
}

output "cloudfront_distribution_domain_name" {
  description = "The distribution's *.cloudfront.net name."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "cloudfront_base_url" {
  description = "https URL under which assets are served: the custom domain if set, else the cloudfront.net name."
  value       = "https://${var.custom_domain == null ? aws_cloudfront_distribution.this.domain_name : var.custom_domain.name}"
}
