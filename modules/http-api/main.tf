################################################################################
# API with CORS
################################################################################

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins     = var.cors.allow_origins
    allow_methods     = var.cors.allow_methods
    allow_headers     = var.cors.allow_headers
    expose_headers    = var.cors.expose_headers
    max_age           = var.cors.max_age_seconds
    allow_credentials = var.cors.allow_credentials
  }
}

################################################################################
# JWT authorizer (verification by API Gateway, no custom Lambda)
################################################################################

resource "aws_apigatewayv2_authorizer" "this" {
  api_id           = aws_apigatewayv2_api.this.id
  name             = "jwt"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = var.jwt_issuer
    audience = var.jwt_audience
  }
}

################################################################################
# Origin key: with `behind_edge`, every route sits under /<key>/, a random path segment only the CloudFront
# distribution knows (its origin path). A request to the execute-api endpoint without it matches no route, so it
# never reaches a route's throttle: the edge's per-user budget cannot be bypassed to spend that throttle for
# everybody. (HTTP APIs take no WAF web ACL and no resource policy; this is the check that runs before throttling.)
################################################################################

resource "terraform_data" "origin_key" {
  count = var.behind_edge ? 1 : 0

  # Drawn once at create; kept in state afterwards.
  input = replace(uuid(), "-", "")

  lifecycle {
    ignore_changes = [input]
  }
}

locals {
  # Sensitive: plans (and the plan summaries CI posts) show the routes without the key.
  route_prefix = var.behind_edge ? sensitive("/${terraform_data.origin_key[0].output}") : ""
  # "POST /avatars/key_upload" -> "POST /<key>/avatars/key_upload"
  route_keys = { for key, _ in var.routes : key => "${split(" ", key)[0]} ${local.route_prefix}${split(" ", key)[1]}" }
}

################################################################################
# Routes and Lambda integrations
################################################################################

resource "aws_apigatewayv2_integration" "this" {
  for_each = var.routes

  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_uri        = each.value.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "this" {
  for_each = var.routes

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = local.route_keys[each.key]
  target             = "integrations/${aws_apigatewayv2_integration.this[each.key].id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.this.id
}

resource "aws_lambda_permission" "this" {
  for_each = var.routes

  statement_id  = "AllowInvokeFromHttpApi-${substr(sha256(each.key), 0, 12)}"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  principal     = "apigateway.amazonaws.com"
  # Only this route of this API may invoke the function: {api}/{stage}/{method}{path}.
  source_arn = "${aws_apigatewayv2_api.this.execution_arn}/*/${replace(local.route_keys[each.key], " ", "")}"
}

################################################################################
# Stage with access logs and throttling
################################################################################

resource "aws_cloudwatch_log_group" "access" {
  # checkov:skip=CKV_AWS_158:Access logs hold request ids, routes and status codes; the CloudWatch service key encrypts them at rest.
  # checkov:skip=CKV_AWS_338:Retention is set per environment in config.toml (prod keeps a year); short retention in dev is deliberate.
  name              = "/aws/apigateway/${var.name}"
  retention_in_days = var.log_retention_days
}

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId      = "$context.requestId"
      requestTime    = "$context.requestTime"
      routeKey       = "$context.routeKey"
      status         = "$context.status"
      responseLength = "$context.responseLength"
      sourceIp       = "$context.identity.sourceIp"
      userAgent      = "$context.identity.userAgent"
      authorizer     = "$context.authorizer.error"
      integration    = "$context.integrationErrorMessage"
      latencyMs      = "$context.responseLatency"
    })
  }
}
