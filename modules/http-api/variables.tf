variable "name" {
  description = "Name of the HTTP API."
  type        = string
}

variable "cors" {
  description = "CORS rules owned by API Gateway (handlers add no CORS headers). Origins are scheme://host[:port]."
  type = object({
    allow_origins     = list(string)
    allow_methods     = list(string)
    allow_headers     = optional(list(string), ["authorization", "content-type"])
    expose_headers    = optional(list(string), [])
    max_age_seconds   = optional(number, 3600)
    allow_credentials = optional(bool, false)
  })

  validation {
    condition     = length(var.cors.allow_origins) > 0
    error_message = "At least one CORS origin is required."
  }

  validation {
    condition     = var.cors.max_age_seconds >= 0 && var.cors.max_age_seconds <= 86400
    error_message = "cors.max_age_seconds must be within 0..86400."
  }
}

variable "jwt_issuer" {
  description = "Issuer URL of the JWTs (for Cognito: https://cognito-idp.<region>.amazonaws.com/<pool id>)."
  type        = string

  validation {
    condition     = startswith(var.jwt_issuer, "https://")
    error_message = "jwt_issuer must be an https URL."
  }
}

variable "jwt_audience" {
  description = "Accepted audiences (for Cognito access tokens: the app client ids)."
  type        = list(string)

  validation {
    condition     = length(var.jwt_audience) > 0
    error_message = "At least one JWT audience is required."
  }
}

variable "routes" {
  description = "Route key (\"POST /path\") to the Lambda that serves it. Every route is behind the JWT authorizer."
  type = map(object({
    function_name = string
    invoke_arn    = string
  }))
}

variable "throttling_burst_limit" {
  description = "Default route burst limit of the stage."
  type        = number
  default     = 50
}

variable "throttling_rate_limit" {
  description = "Default route steady-state rate limit (requests per second) of the stage."
  type        = number
  default     = 20
}

variable "log_retention_days" {
  description = "Retention of the access-log group, from CloudWatch's fixed list."
  type        = number
  default     = 30
}

variable "behind_edge" {
  description = "Serve the routes only under a random origin key that the CloudFront distribution adds (output `edge_origin`), so that requests bypassing the edge's per-user limits match no route. False serves the route keys as given on the execute-api endpoint."
  type        = bool
  default     = true
}
