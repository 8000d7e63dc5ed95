variable "name" {
  description = "Prefix of the security groups' names, e.g. `<project>-<env>-profile-api`."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9-]{1,200}$", var.name))
    error_message = "name: letters, digits and `-`, at most 200."
  }
}

variable "subnet_ids" {
  description = "Private subnets of the database's VPC that the function's network interfaces (and the SSM endpoint's) go in; at least one, all in one VPC."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "subnet_ids: at least one subnet."
  }
}

variable "database_security_group_id" {
  description = "The database's security group: an ingress rule from the function's group on `database_port` is added to it."
  type        = string

  validation {
    condition     = can(regex("^sg-[0-9a-f]{8,17}$", var.database_security_group_id))
    error_message = "database_security_group_id: an sg-… id."
  }
}

variable "database_port" {
  description = "The port the database listens on."
  type        = number
  default     = 5432
}

variable "ssm_access" {
  description = "How the function reaches SSM (its database URL) from the VPC: `endpoint` creates an interface endpoint in the subnets (about $7.30 a month per subnet's AZ); `nat` opens HTTPS egress for a NAT gateway the VPC already routes through."
  type        = string
  default     = "endpoint"

  validation {
    condition     = contains(["endpoint", "nat"], var.ssm_access)
    error_message = "ssm_access: \"endpoint\" or \"nat\"."
  }
}
