# The per-user limit in front of the HTTP API (issue 28 item 3). API Gateway's throttle counts every request of a
# route together, so one user with a valid token could spend it for everyone. This web ACL sits on the CloudFront
# distribution, before the API: each Authorization header value gets its own budget per evaluation window, and each
# client address a larger one (requests without a token, or with a different junk token each time, are counted by
# address). Over a budget the edge answers 429 itself; the route's throttle never sees the request.
#
# CloudFront web ACLs live in us-east-1 whatever the environment's region: the caller passes a us-east-1 provider.

data "aws_region" "current" {}

locals {
  metric_prefix = replace(var.name, "-", "")
  # Rule name -> its budget: per token (the Authorization header) and, larger, per client address.
  budgets = {
    "requests-per-user"    = { priority = 10, limit = var.requests_per_user, header = "authorization", metric = "RequestsPerUser" }
    "requests-per-address" = { priority = 20, limit = var.requests_per_address, header = null, metric = "RequestsPerAddress" }
  }
}

# Both budgets count the API's paths only: the distribution also serves images, and a page that shows a hundred
# avatars must not spend anybody's budget.

resource "aws_wafv2_web_acl" "this" {
  # checkov:skip=CKV_AWS_192:The Log4j managed rule set inspects for Java (Log4j) exploits; nothing behind this distribution runs Java (S3 and Rust functions), and each managed rule group adds a per-request fee.
  # checkov:skip=CKV2_AWS_31:Logging is configured below (aws_wafv2_web_acl_logging_configuration, blocked requests only).
  name        = "${var.name}-edge"
  description = "Per-user and per-address request budgets in front of the ${var.name} HTTP API"
  scope       = "CLOUDFRONT"

  default_action {
    allow {}
  }

  custom_response_body {
    key          = "rate-limited"
    content_type = "APPLICATION_JSON"
    content      = jsonencode({ error = "rate_limited", message = "too many requests from this user; retry later" })
  }

  dynamic "rule" {
    for_each = local.budgets
    content {
      name     = rule.key
      priority = rule.value.priority

      action {
        block {
          custom_response {
            response_code            = 429
            custom_response_body_key = "rate-limited"
            response_header {
              name  = "retry-after"
              value = tostring(var.evaluation_window_seconds)
            }
          }
        }
      }

      statement {
        rate_based_statement {
          limit                 = rule.value.limit
          evaluation_window_sec = var.evaluation_window_seconds
          aggregate_key_type    = rule.value.header == null ? "IP" : "CUSTOM_KEYS"

          # The raw header: one token, one budget. Requests without the header are not counted by this key.
          dynamic "custom_key" {
            for_each = rule.value.header == null ? [] : [rule.value.header]
            content {
              header {
                name = custom_key.value
                text_transformation {
                  priority = 0
                  type     = "NONE"
                }
              }
            }
          }

          dynamic "scope_down_statement" {
            for_each = length(var.api_paths) == 1 ? var.api_paths : []
            content {
              byte_match_statement {
                search_string         = scope_down_statement.value
                positional_constraint = "EXACTLY"
                field_to_match {
                  uri_path {}
                }
                text_transformation {
                  priority = 0
                  type     = "NONE"
                }
              }
            }
          }

          dynamic "scope_down_statement" {
            for_each = length(var.api_paths) > 1 ? [1] : []
            content {
              or_statement {
                dynamic "statement" {
                  for_each = var.api_paths
                  content {
                    byte_match_statement {
                      search_string         = statement.value
                      positional_constraint = "EXACTLY"
                      field_to_match {
                        uri_path {}
                      }
                      text_transformation {
                        priority = 0
                        type     = "NONE"
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${local.metric_prefix}${rule.value.metric}"
        sampled_requests_enabled   = true
      }
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${local.metric_prefix}Edge"
    sampled_requests_enabled   = true
  }

  lifecycle {
    precondition {
      condition     = data.aws_region.current.name == "us-east-1"
      error_message = "A CloudFront web ACL is created in us-east-1: pass this module a provider for us-east-1."
    }
  }
}

################################################################################
# Logs of blocked requests (who was limited, on which path); allowed requests are in the API's access log
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  # checkov:skip=CKV_AWS_158:The log holds blocked requests' paths, addresses and headers; the CloudWatch service key encrypts it at rest.
  # checkov:skip=CKV_AWS_338:Retention is set per environment in config.toml (prod keeps a year); short retention in dev is deliberate.
  # WAF only logs to groups whose name starts with aws-waf-logs-.
  name              = "aws-waf-logs-${var.name}-edge"
  retention_in_days = var.log_retention_days
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.this.arn]

  # Tokens are credentials: never written to the log.
  redacted_fields {
    single_header {
      name = "authorization"
    }
  }

  logging_filter {
    default_behavior = "DROP"

    filter {
      behavior    = "KEEP"
      requirement = "MEETS_ANY"
      condition {
        action_condition {
          action = "BLOCK"
        }
      }
    }
  }
}
