variable "topic_name" {
  description = "Name of the SNS topic, e.g. `<project>-<env>-alarms`."
  type        = string
}

variable "emails" {
  description = "Addresses subscribed to the alarms (each confirms by the link AWS mails)."
  type        = list(string)

  validation {
    condition     = alltrue([for e in var.emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "Each entry must be an email address."
  }
}

variable "event_rule_arns" {
  description = "EventBridge rules that may publish to the topic (e.g. `account-guardrails`' findings rule); empty: SNS's default topic policy."
  type        = list(string)
  default     = []
}
