mock_provider "aws" {
  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      execution_arn = "arn:aws:execute-api:us-east-1:123456789012:abc123"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/example"
    }
  }
}

variables {
  name = "example-dev"
  cors = {
    allow_origins = ["https://app.example.com"]
    allow_methods = ["OPTIONS", "POST"]
  }
  jwt_issuer   = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example"
  jwt_audience = ["client-id"]
  routes = {
    "POST /avatars/key_upload" = {
      function_name = "example-upload-url"
      invoke_arn    = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:example-upload-url/invocations"
    }
  }
}

run "routes_behind_jwt" {
  command = apply

  assert {
    condition     = aws_apigatewayv2_route.this["POST /avatars/key_upload"].authorization_type == "JWT"
    error_message = "Every route must use the JWT authorizer."
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this.jwt_configuration[0].issuer == var.jwt_issuer
    error_message = "The authorizer checks the configured issuer."
  }

  assert {
    condition     = nonsensitive(aws_lambda_permission.this["POST /avatars/key_upload"].source_arn == "arn:aws:execute-api:us-east-1:123456789012:abc123/*/POST/${terraform_data.origin_key[0].output}/avatars/key_upload")
    error_message = "The invoke permission is scoped to one route (under the origin key)."
  }

  assert {
    condition     = contains(aws_apigatewayv2_api.this.cors_configuration[0].allow_headers, "authorization")
    error_message = "CORS must allow the Authorization header."
  }

  assert {
    condition     = aws_apigatewayv2_stage.this.name == "$default" && aws_apigatewayv2_stage.this.auto_deploy
    error_message = "The $default stage auto-deploys."
  }
}

# Behind the edge (the default), every route is under /<origin key>/: a request to the execute-api endpoint that
# skips the distribution (and its per-user limits) matches no route and so spends no route's throttle.
run "routes_only_under_the_origin_key" {
  command = apply

  assert {
    condition     = can(regex("^[0-9a-f]{32}$", terraform_data.origin_key[0].output))
    error_message = "The origin key is 128 random bits (a UUID without dashes)."
  }

  assert {
    condition     = nonsensitive(aws_apigatewayv2_route.this["POST /avatars/key_upload"].route_key == "POST /${terraform_data.origin_key[0].output}/avatars/key_upload")
    error_message = "The route key carries the origin key as its first path segment."
  }

  assert {
    condition     = nonsensitive(output.edge_origin_path) == "/${terraform_data.origin_key[0].output}" && output.edge_origin_domain_name == replace(aws_apigatewayv2_api.this.api_endpoint, "https://", "")
    error_message = "The distribution gets the API's host name and /<origin key> as origin path."
  }
}

run "without_the_edge_routes_are_as_given" {
  command = apply

  variables {
    behind_edge = false
  }

  assert {
    condition     = aws_apigatewayv2_route.this["POST /avatars/key_upload"].route_key == "POST /avatars/key_upload" && length(terraform_data.origin_key) == 0
    error_message = "behind_edge = false serves the route keys unchanged."
  }

  assert {
    condition     = aws_lambda_permission.this["POST /avatars/key_upload"].source_arn == "arn:aws:execute-api:us-east-1:123456789012:abc123/*/POST/avatars/key_upload"
    error_message = "The invoke permission is scoped to the unprefixed route."
  }
}

run "refuses_plain_http_issuer" {
  command = plan

  variables {
    jwt_issuer = "http://issuer.example.com"
  }

  expect_failures = [var.jwt_issuer]
}
