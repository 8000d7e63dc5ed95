output "plan_role_arn" {
  description = "Role for `terraform plan` in pull requests (read-only); null when disabled."
  value       = one(aws_iam_role.plan[*].arn)
}

output "apply_role_arn" {
  description = "Role for `terraform apply` from the apply environment's jobs; null when disabled."
  value       = one(aws_iam_role.apply[*].arn)
}

output "oidc_provider_arn" {
  description = "The account's GitHub Actions OIDC provider."
  value       = local.provider_arn
}

output "function_boundary_arn" {
  description = "Permissions boundary of the function roles that work on objects (resizers, upload functions): no parameter, key or network access."
  value       = aws_iam_policy.function_boundary.arn
}

output "database_function_boundary_arn" {
  description = "Permissions boundary of the roles of `database_function_names` (the only one they may carry): the database URL parameter, its key and VPC network interfaces; no bucket, queue, table or CDN."
  value       = aws_iam_policy.database_function_boundary.arn
}

output "function_role_path" {
  description = "IAM path of the function roles (`/<name_prefix>/`): the only roles the apply role may create, change or pass."
  value       = "/${var.name_prefix}/"
}
