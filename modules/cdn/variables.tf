variable "name" {
  description = "Name prefix of the distribution's policies and origin access control."
  type        = string
}

variable "origin_bucket_regional_domain_name" {
  description = "Regional domain name of the private S3 bucket served by this distribution."
  type        = string
}

variable "price_class" {
  description = "CloudFront price class: which edge locations serve the content."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "custom_domain" {
  description = "Optional custom domain: the alias, its ACM certificate (us-east-1) and, optionally, the Route 53 zone for A/AAAA alias records. Null serves on *.cloudfront.net."
  type = object({
    name            = string
    certificate_arn = string
    hosted_zone_id  = optional(string)
  })
  default = null

  validation {
    condition     = var.custom_domain == null || can(regex("^arn:aws:acm:us-east-1:[0-9]{12}:certificate/", var.custom_domain.certificate_arn))
    error_message = "CloudFront needs an ACM certificate from us-east-1."
  }
}

variable "default_ttl_seconds" {
  description = "TTL used when the object sends no Cache-Control."
  type        = number
  default     = 86400
}

variable "max_ttl_seconds" {
  description = "Upper bound of the edge TTL; invalidations refresh changed objects earlier."
  type        = number
  default     = 31536000
}

variable "local_emulator" {
  description = "True only in the local environment: leave out what the local AWS emulator (moto) cannot create or read back (cache and response-headers policies, the origin's OAC id, the default image object). Never set for an AWS account."
  type        = bool
  default     = false
}

variable "cors_allow_origins" {
  description = "Origins whose scripts may read asset responses (GET/HEAD, ETag exposed). Empty: no CORS headers."
  type        = list(string)
  default     = []
}

variable "api_origin" {
  description = "Optional HTTP API behind the distribution: its host name (execute-api) and the viewer paths sent to it (exact paths of the routes). Never cached; every viewer header but Host forwarded. Null: assets only."
  type = object({
    domain_name   = string
    path_patterns = list(string)
  })
  default = null
}

variable "api_origin_path" {
  description = "Origin path prepended to API requests (the http-api module's origin key, `/<key>`). Sensitive: whoever knows it can reach the routes without passing the web ACL."
  type        = string
  default     = ""
  sensitive   = true
}

variable "web_acl_arn" {
  description = "ARN of the AWS WAF web ACL (scope CLOUDFRONT) in front of the distribution, e.g. the edge-firewall module's. Null: none."
  type        = string
  default     = null
}

variable "default_image" {
  description = "Where the neutral default image (default-image.png, 64x64 grey) is written in the origin bucket, and how long it and the 403 answers it replaces are cached. Every key the bucket lacks is then answered with it and status 200. Null: missing keys answer 403."
  type = object({
    bucket          = string
    key             = string
    max_age_seconds = optional(number, 60)
  })
  default = null

  validation {
    condition     = var.default_image == null || try(!startswith(var.default_image.key, "/") && var.default_image.max_age_seconds >= 0, false)
    error_message = "The key has no leading slash; max_age_seconds is 0 or more."
  }
}

variable "format_negotiation" {
  description = "Per image kind: requests under prefix (a URL path, /avatars/) ending with from (.jpg) are answered from the same path ending with the first of to whose media_type the request's Accept names (a CloudFront Function, viewer request; the cache key is the rewritten path). Empty: no function."
  type = list(object({
    prefix = string
    from   = string
    to = list(object({
      extension  = string
      media_type = string
    }))
  }))
  default = []

  validation {
    condition = alltrue([for rule in var.format_negotiation :
      startswith(rule.prefix, "/") && endswith(rule.prefix, "/") && can(regex("^\\.[a-z0-9]+$", rule.from)) && length(rule.to) > 0 &&
      alltrue([for format in rule.to : can(regex("^\\.[a-z0-9]+$", format.extension)) && can(regex("^image/[a-z0-9.+-]+$", format.media_type))])
    ])
    error_message = "Each rule: a prefix between slashes, from and each extension a dot and letters/digits, each media_type image/<subtype>, at least one format."
  }
}
