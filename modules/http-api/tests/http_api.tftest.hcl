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
    condition     = aws_lambda_permission.this["POST /avatars/key_upload"].source_arn == "arn:aws:execute-api:us-east-1:123456789012:abc123/*/POST/avatars/key_upload"
    error_message = "The invoke permission is scoped to one route."
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

run "refuses_plain_http_issuer" {
  command = plan

  variables {
    jwt_issuer = "http://issuer.example.com"
  }

  expect_failures = [var.jwt_issuer]
}
