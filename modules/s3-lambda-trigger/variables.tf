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

variable "targets" {
  description = "Functions to invoke, by a stable key (the image kind): each with the key prefixes that trigger it. Prefixes must not overlap (S3 refuses overlapping filters) and must be disjoint from the functions' output prefixes."
  type = map(object({
    function_name   = string
    function_arn    = string
    filter_prefixes = list(string)
  }))

  validation {
    condition     = length(var.targets) > 0 && alltrue([for t in values(var.targets) : length(t.filter_prefixes) > 0 && alltrue([for p in t.filter_prefixes : length(p) > 0])])
    error_message = "Every target needs at least one non-empty prefix: a bucket-wide trigger invites recursion."
  }
}

variable "events" {
  description = "S3 event types that trigger the function."
  type        = list(string)
  default     = ["s3:ObjectCreated:*"]
}
