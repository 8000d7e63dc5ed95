variable "name_prefix" {
  description = "`<project>-<environment>`: the roles are `<name_prefix>-github-plan` and `<name_prefix>-github-apply`, and every resource the apply role may change is named `<name_prefix>-*`."
  type        = string
}

variable "repository" {
  description = "GitHub repository (`owner/name`) whose workflows may assume the roles."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.repository))
    error_message = "repository must be owner/name."
  }
}

variable "plan_on_pull_requests" {
  description = "Create the read-only plan role, assumable from pull_request workflows of the repository."
  type        = bool
  default     = true
}

variable "apply_branch" {
  description = "Branch whose push workflows may assume the apply role; null = no apply role."
  type        = string
  default     = "main"
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider; false = look up the one that exists (one per account)."
  type        = bool
  default     = true
}

variable "state_bucket" {
  description = "S3 bucket of this environment's Terraform state."
  type        = string
}

variable "state_key" {
  description = "Key of this environment's state object in state_bucket."
  type        = string
}

variable "bucket_names" {
  description = "The environment's own buckets (uploads, assets): the only buckets the roles may read or configure."
  type        = list(string)
}

variable "hosted_zone_id" {
  description = "Route 53 zone of the CDN's custom domain, or null."
  type        = string
  default     = null
}
