variable "bucket_id" {
  description = "Name of the bucket whose new objects trigger the function."
  type        = string
}

variable "bucket_arn" {
  description = "ARN of that bucket; only it may send to the queues."
  type        = string
}

variable "source_account" {
  description = "Account that owns the bucket; only it may send to the queues (bucket names can be re-registered by others)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.source_account))
    error_message = "source_account must be a 12-digit AWS account id."
  }
}

variable "targets" {
  description = "Functions to run, by a stable key (the image kind): each with its queue's name, the key prefixes that feed it, the most concurrent invocations (2..1000), the queue's visibility timeout (at least 6 times the function's timeout, as Lambda advises), the failure queue and how many receives an event gets before it moves there. Prefixes must not overlap (S3 refuses overlapping filters) and must be disjoint from the functions' output prefixes."
  type = map(object({
    function_arn               = string
    queue_name                 = string
    filter_prefixes            = list(string)
    max_concurrency            = number
    visibility_timeout_seconds = number
    failure_queue_arn          = string
    max_receive_count          = number
  }))

  validation {
    condition     = length(var.targets) > 0 && alltrue([for t in values(var.targets) : length(t.filter_prefixes) > 0 && alltrue([for p in t.filter_prefixes : length(p) > 0])])
    error_message = "Every target needs at least one non-empty prefix: a bucket-wide trigger invites recursion."
  }

  validation {
    condition     = alltrue([for t in values(var.targets) : t.max_concurrency >= 2 && t.max_concurrency <= 1000 && t.max_receive_count >= 1 && t.visibility_timeout_seconds >= 0 && t.visibility_timeout_seconds <= 43200])
    error_message = "max_concurrency must be 2..1000 (SQS event source mappings), max_receive_count at least 1, visibility_timeout_seconds 0..43200."
  }
}

variable "events" {
  description = "S3 event types that trigger the function."
  type        = list(string)
  default     = ["s3:ObjectCreated:*"]
}

variable "message_retention_seconds" {
  description = "How long an event waits in its queue (60..1209600); keep it below the failure queue's, whose age counts from the first enqueue."
  type        = number
  default     = 345600
}

variable "local_emulator" {
  description = "True only in the local environment: leave out the redrive policy, which the local AWS emulator (moto) reads back reformatted (a change at every plan). Never set for an AWS account."
  type        = bool
  default     = false
}
