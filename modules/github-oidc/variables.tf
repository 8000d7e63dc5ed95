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

variable "apply_environment" {
  description = "GitHub environment whose jobs may assume the apply role (`sub` = `repo:<repository>:environment:<name>`), so its required reviewers and branch rules gate every apply; null = no apply role."
  type        = string
  default     = null

  validation {
    condition     = var.apply_environment == null || can(regex("^[A-Za-z0-9_.-]{1,255}$", var.apply_environment))
    error_message = "apply_environment must be 1..255 of letters, digits and _ . - (no IAM wildcards)."
  }
}

variable "repository_ids" {
  description = "The repository owner's and the repository's numeric ids, for GitHub's immutable subject claims (`repo:owner@<owner>/name@<repository>:...`, the default for repositories created or renamed since 2026-07-15); null = the name-only subject."
  type = object({
    owner      = number
    repository = number
  })
  default = null
}

variable "function_parameter_arns" {
  description = "SSM parameters the database functions read (the database URL): allowed in the database function boundary only."
  type        = list(string)
  default     = []
}

variable "function_kms_key_arns" {
  description = "KMS keys of those parameters, other than aws/ssm: kms:Decrypt via SSM allowed in the database function boundary."
  type        = list(string)
  default     = []
}

variable "database_function_names" {
  description = "Functions that read the database URL (profile-api): their roles, and only theirs, carry the database function boundary (the parameters, their keys, VPC network interfaces; no bucket, queue, table or CDN). Every other function role carries the function boundary, which has no parameter, key or network access."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for name in var.database_function_names : can(regex("^[A-Za-z0-9_+=,.@-]{1,64}$", name))])
    error_message = "Each database function name must be a role name (1 to 64 of A-Z, a-z, 0-9 and _+=,.@-)."
  }
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

variable "terraform_objects" {
  description = "Objects the environment's Terraform writes itself, as `<bucket>/<key>` (the CDN's default image): the apply role may write them and the plan role read them; no other object of the buckets."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for o in var.terraform_objects : !strcontains(o, "*") && length(split("/", o)) > 1])
    error_message = "Exact `<bucket>/<key>` objects, no wildcards."
  }
}

variable "hosted_zone_id" {
  description = "Route 53 zone of the CDN's custom domain, or null."
  type        = string
  default     = null
}

variable "database_security_group_id" {
  description = "The database's security group when the profile function runs in its VPC (modules/database-access), or null: the roles may then read the network, create and change the security groups and SSM endpoint this environment tags, and add ingress (only) to this group."
  type        = string
  default     = null
}
