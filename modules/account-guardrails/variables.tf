variable "name_prefix" {
  description = "`<project>-<env>`: names the analyzer and its EventBridge rule."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,40}$", var.name_prefix))
    error_message = "name_prefix must be 1 to 41 of a-z, 0-9 and '-'."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic the active findings are sent to (`modules/alerts`, whose topic policy must admit the rule: its `event_rule_arns`); null: findings are only visible in the Access Analyzer console."
  type        = string
  default     = null
}
