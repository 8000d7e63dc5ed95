variable "bucket_name" {
  description = "Name of the bucket. Validated by the generator against the S3 naming rules."
  type        = string
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete a bucket that still holds objects. Only for throw-away environments."
  type        = bool
  default     = false
}

variable "versioning" {
  description = "Keep previous versions of every object (recommended for buckets whose objects cannot be re-derived)."
  type        = bool
  default     = false
}

variable "noncurrent_version_expiration_days" {
  description = "With versioning on: delete previous versions after this many days."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

variable "expiration" {
  description = "Expire current objects under `prefix` after `days` days. Null keeps objects forever."
  type = object({
    prefix = string
    days   = number
  })
  default = null
}

variable "tagged_expiration" {
  description = "Expire current objects carrying the tag `tag_key` = `tag_value` after `days` days (counted from the object's creation). Null: no such rule."
  type = object({
    tag_key   = string
    tag_value = string
    days      = number
  })
  default = null

  validation {
    condition     = var.tagged_expiration == null || try(var.tagged_expiration.days >= 1, false)
    error_message = "tagged_expiration.days must be at least 1."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Abort multipart uploads that were not completed within this many days."
  type        = number
  default     = 1
}

variable "cors_rules" {
  description = "CORS rules for browser uploads. Empty means no CORS configuration (browsers cannot call the bucket)."
  type = list(object({
    allowed_methods = list(string)
    allowed_origins = list(string)
    allowed_headers = optional(list(string), [])
    expose_headers  = optional(list(string), [])
    max_age_seconds = optional(number, 3600)
  }))
  default = []

  validation {
    condition = alltrue([
      for rule in var.cors_rules : alltrue([for m in rule.allowed_methods : contains(["GET", "PUT", "POST", "HEAD", "DELETE"], m)])
    ])
    error_message = "cors_rules[*].allowed_methods may only contain GET, PUT, POST, HEAD and DELETE."
  }
}

variable "policy_statements" {
  description = "Extra bucket-policy statements (IAM JSON objects) added after the TLS-only deny statement."
  type        = any
  default     = []
}
