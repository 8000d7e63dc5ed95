variable "function_name" {
  description = "Name of the Lambda function; also names its role, log group and failure queue."
  type        = string
}

variable "description" {
  description = "What the function does, shown in the console."
  type        = string
  default     = ""
}

variable "zip_path" {
  description = "Path of the cargo-lambda zip (target/lambda/<name>/bootstrap.zip). Its hash is the source_code_hash, so a code change is a plan change."
  type        = string
}

variable "architecture" {
  description = "Instruction set: arm64 (cheaper per GB-second) or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_mb" {
  description = "Memory in MB (128..10240); CPU share grows with it."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_mb >= 128 && var.memory_mb <= 10240
    error_message = "memory_mb must be within 128..10240."
  }
}

variable "timeout_seconds" {
  description = "Timeout in seconds (1..900)."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900
    error_message = "timeout_seconds must be within 1..900."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions; null leaves the function on the account's unreserved pool."
  type        = number
  default     = null
}

variable "log_retention_days" {
  description = "Retention of the function's CloudWatch log group, from CloudWatch's fixed list."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's allowed values."
  }
}

variable "role_path" {
  description = "IAM path of the function's role. With GitHub CI roles (modules/github-oidc) it is `/<name_prefix>/`, the only path their apply role may create or pass roles under."
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/([A-Za-z0-9_+=,.@-]+/)*$", var.role_path))
    error_message = "role_path must start and end with / (IAM path characters only)."
  }
}

variable "permissions_boundary" {
  description = "ARN of the permissions boundary of the function's role (github-oidc's function_boundary_arn), or null."
  type        = string
  default     = null
}

variable "environment_variables" {
  description = "Configuration passed to the handler. No secrets here: they are visible to anyone who can read the function. Sensitive, so plans (and the PR plan comments made from them) show that it changed but not its values; the committed generated root shows them in the PR diff."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "policy_statements" {
  description = "Allow statements of the function's own least-privilege policy (IAM JSON keys); logging and the failure queue are added by the module. Condition is operator => key => values."
  type = list(object({
    Sid       = string
    Action    = list(string)
    Resource  = list(string)
    Condition = optional(map(map(list(string))))
  }))
  default = []

  validation {
    condition     = alltrue([for s in var.policy_statements : can(regex("^[A-Za-z0-9]+$", s.Sid)) && length(s.Action) > 0 && length(s.Resource) > 0])
    error_message = "Each statement needs an alphanumeric Sid and at least one Action and one Resource."
  }

  validation {
    condition     = alltrue(flatten([for s in var.policy_statements : [for a in s.Action : a != "*" && !endswith(a, ":*")]]))
    error_message = "A function's statements name their actions: no \"*\" or \"service:*\"."
  }
}

variable "async_failure_queue" {
  description = "Create an SQS queue that receives events whose asynchronous invocation failed after the retries (on-failure destination)."
  type        = bool
  default     = false
}

variable "maximum_retry_attempts" {
  description = "Retries of a failed asynchronous invocation (0..2)."
  type        = number
  default     = 2

  validation {
    condition     = var.maximum_retry_attempts >= 0 && var.maximum_retry_attempts <= 2
    error_message = "maximum_retry_attempts must be within 0..2."
  }
}

variable "maximum_event_age_seconds" {
  description = "Drop an asynchronous event older than this (60..21600) to the failure queue instead of retrying."
  type        = number
  default     = 3600
}

variable "failure_queue_retention_seconds" {
  description = "How long a failed event waits in the failure queue (60..1209600)."
  type        = number
  default     = 1209600
}

variable "local_emulator" {
  description = "True only in the local environment: leave out what the local AWS emulator (moto) cannot create or read back (the recursion config, the logging config). Never set for an AWS account."
  type        = bool
  default     = false
}

variable "vpc_subnet_ids" {
  description = "Subnets to run the function in (to reach a database inside a VPC). Empty: no VPC."
  type        = list(string)
  default     = []
}

variable "vpc_security_group_ids" {
  description = "Security groups of the function's network interfaces; required with vpc_subnet_ids."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.vpc_security_group_ids) > 0 || length(var.vpc_subnet_ids) == 0
    error_message = "vpc_security_group_ids is required when vpc_subnet_ids is set."
  }
}

variable "log_alarms" {
  description = "Log lines that must raise an alarm: each `{name, pattern, description}` becomes a metric filter on the function's log group (CloudWatch filter pattern syntax) and an alarm at one match in 5 minutes, notifying `alarm_topic_arns`."
  type = list(object({
    name        = string
    pattern     = string
    description = string
  }))
  default = []

  validation {
    condition     = alltrue([for alarm in var.log_alarms : can(regex("^[a-z0-9-]{1,64}$", alarm.name))])
    error_message = "Each log alarm name must be 1 to 64 of a-z, 0-9 and '-'."
  }
}

variable "alarm_topic_arns" {
  description = "SNS topics notified when the function's error alarm or its failure-queue alarm changes state; empty: the alarms are only visible in CloudWatch."
  type        = list(string)
  default     = []
}
