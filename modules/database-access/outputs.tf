output "database_access_security_group_id" {
  description = "The function's security group (its vpc_security_group_ids)."
  value       = aws_security_group.this.id
}

output "database_access_ssm_endpoint_id" {
  description = "The SSM interface endpoint, or null with ssm_access = \"nat\"."
  value       = try(aws_vpc_endpoint.ssm[0].id, null)
}
