variable "bucket_id" {
  description = "Name of the bucket whose new objects trigger the function."
  type        = string
}

variable "bucket_arn" {
  description = "ARN of that bucket; the invoke permission is scoped to it."
  type        = string
}

variable "source_account" {
  description = "Account that owns the bucket; the invoke permission is scoped to it (bucket names can be re-registered by others)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.source_account))
    error_message = "source_account must be a 12-digit AWS account id."
  }
}

variable "function_name" {
  description = "Name of the function to invoke."
  type        = string
}

variable "function_arn" {
  description = "ARN of the function to invoke."
  type        = string
}

variable "filter_prefixes" {
  description = "Key prefixes that trigger the function, one notification each; keep them disjoint from the function's output prefixes."
  type        = list(string)

  validation {
    condition     = length(var.filter_prefixes) > 0 && alltrue([for p in var.filter_prefixes : length(p) > 0])
    error_message = "At least one non-empty prefix is required: a bucket-wide trigger invites recursion."
  }
}

variable "events" {
  description = "S3 event types that trigger the function."
  type        = list(string)
  default     = ["s3:ObjectCreated:*"]
}
