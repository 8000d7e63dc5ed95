variable "table_name" {
  description = "Name of the DynamoDB table, e.g. `<project>-<env>-upload-quota`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.table_name))
    error_message = "A DynamoDB table name is 3-255 of A-Z a-z 0-9 _ . -."
  }
}
