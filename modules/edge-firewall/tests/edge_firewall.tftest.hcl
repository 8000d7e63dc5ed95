mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name = "us-east-1"
    }
  }
  mock_resource "aws_wafv2_web_acl" {
    defaults = {
      arn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/example-dev-edge/a1b2c3d4-5678-90ab-cdef-111122223333"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-example-dev-edge"
    }
  }
}

variables {
  name                 = "example-dev"
  requests_per_user    = 100
  requests_per_address = 1000
  api_paths            = ["/api/profile", "/avatars/key_upload"]
}

run "one_budget_per_token_and_per_address" {
  command = apply

  assert {
    condition     = aws_wafv2_web_acl.this.scope == "CLOUDFRONT" && length(aws_wafv2_web_acl.this.default_action[0].allow) == 1
    error_message = "A CloudFront web ACL that allows what no rule limits."
  }

  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].rate_based_statement[0]
      if r.name == "requests-per-user"
      ]).aggregate_key_type == "CUSTOM_KEYS" && one([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].rate_based_statement[0].custom_key[0].header[0].name
      if r.name == "requests-per-user"
    ]) == "authorization"
    error_message = "The per-user rule counts per Authorization header value."
  }

  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].rate_based_statement[0]
      if r.name == "requests-per-user"
      ]).limit == 100 && one([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].rate_based_statement[0]
      if r.name == "requests-per-address"
    ]).limit == 1000
    error_message = "The budgets are the configured ones."
  }

  assert {
    condition = alltrue([
      for r in aws_wafv2_web_acl.this.rule : r.action[0].block[0].custom_response[0].response_code == 429
    ])
    error_message = "Over a budget the edge answers 429 (not WAF's default 403), so clients back off."
  }

  assert {
    condition = alltrue([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].rate_based_statement[0].evaluation_window_sec == 300
    ])
    error_message = "Budgets count over 5 minutes by default."
  }

  assert {
    condition     = aws_wafv2_web_acl_logging_configuration.this.redacted_fields[0].single_header[0].name == "authorization"
    error_message = "Tokens are redacted from the log."
  }

  assert {
    condition     = aws_wafv2_web_acl_logging_configuration.this.logging_filter[0].default_behavior == "DROP" && startswith(aws_cloudwatch_log_group.this.name, "aws-waf-logs-")
    error_message = "Only blocked requests are logged, to a group WAF accepts."
  }
}

run "images_spend_no_budget" {
  command = apply

  assert {
    condition = alltrue([
      for r in aws_wafv2_web_acl.this.rule : [
        for s in r.statement[0].rate_based_statement[0].scope_down_statement[0].or_statement[0].statement : s.byte_match_statement[0].search_string
      ] == ["/api/profile", "/avatars/key_upload"]
    ])
    error_message = "Both budgets count exactly the API's paths, not the images."
  }
}

run "one_path_without_an_or" {
  command = apply

  variables {
    api_paths = ["/api/profile"]
  }

  assert {
    condition = alltrue([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].rate_based_statement[0].scope_down_statement[0].byte_match_statement[0].search_string == "/api/profile"
    ])
    error_message = "One path is matched directly (an OR needs two statements)."
  }
}

run "refuses_a_region_other_than_us_east_1" {
  command = plan

  override_data {
    target = data.aws_region.current
    values = {
      name = "eu-west-1"
    }
  }

  expect_failures = [aws_wafv2_web_acl.this]
}

run "refuses_a_limit_waf_does_not_take" {
  command = plan

  variables {
    requests_per_user         = 5
    evaluation_window_seconds = 90
  }

  expect_failures = [var.requests_per_user, var.evaluation_window_seconds]
}
