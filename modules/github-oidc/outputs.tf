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
  description = "Permissions boundary every function role of this environment carries (the apply role can create roles only with it)."
  value       = aws_iam_policy.function_boundary.arn
}

output "function_role_path" {
  description = "IAM path of the function roles (`/<name_prefix>/`): the only roles the apply role may create, change or pass."
  value       = "/${var.name_prefix}/"
}
