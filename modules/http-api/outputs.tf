output "apigatewayv2_api_id" {
  description = "Id of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "apigatewayv2_api_endpoint" {
  description = "Base URL of the API (the $default stage serves at its root)."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "apigatewayv2_api_execution_arn" {
  description = "Execution ARN, the prefix of every route's invoke ARN."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "edge_origin_domain_name" {
  description = "Host name the CloudFront distribution sends API requests to (the execute-api endpoint without scheme)."
  value       = replace(aws_apigatewayv2_api.this.api_endpoint, "https://", "")
}

output "edge_origin_path" {
  description = "Origin path the distribution prepends (`/<origin key>`); empty when `behind_edge` is false."
  value       = local.route_prefix
  sensitive   = true
}
