variable "name" {
  description = "Name prefix of the web ACL, its metrics and its log group, e.g. `<project>-<env>`."
  type        = string
}

variable "api_paths" {
  description = "The API's viewer paths (exact, e.g. `/api/profile`): the only requests both budgets count."
  type        = list(string)

  validation {
    condition     = length(var.api_paths) > 0 && alltrue([for p in var.api_paths : startswith(p, "/")])
    error_message = "At least one path, each starting with /."
  }
}

variable "requests_per_user" {
  description = "Requests one Authorization header value may make per evaluation window before the edge answers 429."
  type        = number

  validation {
    condition     = var.requests_per_user >= 10 && var.requests_per_user <= 2000000000
    error_message = "AWS WAF rate limits are 10..2000000000 requests per window."
  }
}

variable "requests_per_address" {
  description = "Requests one client address may make per evaluation window (with or without a token) before the edge answers 429."
  type        = number

  validation {
    condition     = var.requests_per_address >= 10 && var.requests_per_address <= 2000000000
    error_message = "AWS WAF rate limits are 10..2000000000 requests per window."
  }
}

variable "evaluation_window_seconds" {
  description = "How far back each budget counts: 60, 120, 300 or 600 seconds. Also the Retry-After of a limited request."
  type        = number
  default     = 300

  validation {
    condition     = contains([60, 120, 300, 600], var.evaluation_window_seconds)
    error_message = "AWS WAF evaluation windows are 60, 120, 300 or 600 seconds."
  }
}

variable "log_retention_days" {
  description = "Days the log of blocked requests is kept."
  type        = number
  default     = 30
}
