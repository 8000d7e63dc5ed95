output "plan_role_arn" {
  description = "Role for `terraform plan` in pull requests (read-only); null when disabled."
  value       = one(aws_iam_role.plan[*].arn)
}

output "apply_role_arn" {
  description = "Role for `terraform apply` from the apply branch; null when disabled."
  value       = one(aws_iam_role.apply[*].arn)
}

output "oidc_provider_arn" {
  description = "The account's GitHub Actions OIDC provider."
  value       = local.provider_arn
}
