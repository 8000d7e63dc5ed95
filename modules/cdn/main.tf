locals {
  origin_id     = "assets-s3"
  api_origin_id = "http-api"
  # AWS managed policies: no caching at all, and every viewer header (Authorization, Origin, CORS preflight
  # headers) and query string forwarded except Host, which API Gateway needs to be its own.
  caching_disabled_policy_id              = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  all_viewer_except_host_header_policy_id = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
}

################################################################################
# Origin access control: only this distribution signs requests to the bucket
################################################################################

resource "aws_cloudfront_origin_access_control" "this" {
  name                              = "${var.name}-assets"
  description                       = "Signed requests from the ${var.name} distribution to its private bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

################################################################################
# Policies
################################################################################

resource "aws_cloudfront_cache_policy" "this" {
  count = var.local_emulator ? 0 : 1

  name        = "${var.name}-assets"
  comment     = "Static images: no cookies, headers or query strings in the cache key"
  min_ttl     = 0
  default_ttl = var.default_ttl_seconds
  max_ttl     = var.max_ttl_seconds

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_brotli = true
    enable_accept_encoding_gzip   = true

    cookies_config {
      cookie_behavior = "none"
    }
    headers_config {
      header_behavior = "none"
    }
    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

resource "aws_cloudfront_response_headers_policy" "this" {
  count = var.local_emulator ? 0 : 1

  name    = "${var.name}-security-headers"
  comment = "Security headers on every asset response"

  # Lets the app's own pages read an avatar's ETag (to see when a new one is ready) without opening it to others.
  dynamic "cors_config" {
    for_each = length(var.cors_allow_origins) > 0 ? [1] : []
    content {
      access_control_allow_credentials = false
      access_control_max_age_sec       = 600
      origin_override                  = true

      access_control_allow_headers {
        items = ["*"]
      }
      access_control_allow_methods {
        items = ["GET", "HEAD"]
      }
      access_control_allow_origins {
        items = var.cors_allow_origins
      }
      access_control_expose_headers {
        items = ["ETag"]
      }
    }
  }

  # One URL serves a JPEG or an alternate by Accept (format_negotiation): other caches should key on it too. With a
  # CORS config CloudFront manages Vary itself and drops a custom one, so it is only added without.
  dynamic "custom_headers_config" {
    for_each = length(var.format_negotiation) > 0 && length(var.cors_allow_origins) == 0 ? [1] : []
    content {
      items {
        header   = "Vary"
        value    = "Accept"
        override = true
      }
    }
  }

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }
    content_type_options {
      override = true
    }
    frame_options {
      frame_option = "DENY"
      override     = true
    }
    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }
    xss_protection {
      protection = true
      mode_block = true
      override   = true
    }
  }
}

################################################################################
# Format negotiation: a kind's WebP/AVIF copy instead of its JPEG, by Accept
################################################################################

resource "aws_cloudfront_function" "format" {
  # The emulator stores no function associations (a change on every plan) and cannot publish; the local CDN runs
  # the same rendered code with Node.
  count = length(var.format_negotiation) > 0 && !var.local_emulator ? 1 : 0

  name    = "${var.name}-image-format"
  runtime = "cloudfront-js-2.0"
  comment = "Serves an image's alternate format when the request's Accept names it"
  publish = true
  code = templatefile("${path.module}/format-negotiation.js", {
    rules = jsonencode(var.format_negotiation)
  })
}

################################################################################
# Distribution
################################################################################

resource "aws_cloudfront_distribution" "this" {
  # checkov:skip=CKV_AWS_68:The web ACL is optional here (var.web_acl_arn, the edge-firewall module); the generated roots always pass one when the API is behind the distribution.
  # checkov:skip=CKV2_AWS_47:The origins are S3 and an HTTP API with Rust functions; nothing runs Java (Log4j) code.
  # checkov:skip=CKV_AWS_86:Standard logging needs an ACL-enabled log bucket, which conflicts with BucketOwnerEnforced everywhere else; CloudFront metrics cover an image CDN.
  # checkov:skip=CKV_AWS_310:One origin per path by design (the assets bucket, the API); a failover origin would need a replicated bucket and a second API.
  # checkov:skip=CKV_AWS_374:Avatars are served worldwide; a geo restriction is a business decision left to the deploying organisation.
  # checkov:skip=CKV2_AWS_42:A custom domain and certificate are optional (var.custom_domain); without one CloudFront's own certificate serves *.cloudfront.net.
  # checkov:skip=CKV_AWS_305:The distribution serves object keys only (avatars/<sub>.jpg); a request for / is meant to get 403 from the private bucket, not a page.
  # checkov:skip=CKV_AWS_174:With a custom domain the minimum protocol is TLSv1.2_2021; CloudFront's default certificate cannot be given a minimum version.
  comment         = "${var.name} avatars and other public assets"
  enabled         = true
  is_ipv6_enabled = true
  http_version    = "http2and3"
  price_class     = var.price_class
  aliases         = var.custom_domain == null ? [] : [var.custom_domain.name]
  web_acl_id      = var.web_acl_arn

  origin {
    origin_id   = local.origin_id
    domain_name = var.origin_bucket_regional_domain_name
    # The emulator stores a distribution without its OAC id and would show a change on every plan.
    origin_access_control_id = var.local_emulator ? null : aws_cloudfront_origin_access_control.this.id
  }

  # The HTTP API, reached only through here: the origin path is the API's origin key (http-api module), so requests
  # pass the web ACL's per-user limits before any route's throttle.
  dynamic "origin" {
    for_each = var.api_origin == null ? [] : [var.api_origin]
    content {
      origin_id   = local.api_origin_id
      domain_name = origin.value.domain_name
      origin_path = var.api_origin_path

      custom_origin_config {
        http_port              = 80
        https_port             = 443
        origin_protocol_policy = "https-only"
        origin_ssl_protocols   = ["TLSv1.2"]
      }
    }
  }

  dynamic "ordered_cache_behavior" {
    for_each = var.api_origin == null ? [] : var.api_origin.path_patterns
    content {
      path_pattern             = ordered_cache_behavior.value
      target_origin_id         = local.api_origin_id
      viewer_protocol_policy   = "https-only"
      allowed_methods          = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
      cached_methods           = ["GET", "HEAD"]
      compress                 = true
      cache_policy_id          = var.local_emulator ? null : local.caching_disabled_policy_id
      origin_request_policy_id = var.local_emulator ? null : local.all_viewer_except_host_header_policy_id

      # The emulator's legacy settings: nothing cached, the token and CORS headers forwarded.
      dynamic "forwarded_values" {
        for_each = var.local_emulator ? [1] : []
        content {
          query_string = true
          headers      = ["Authorization", "Origin", "Access-Control-Request-Headers", "Access-Control-Request-Method"]
          cookies {
            forward = "none"
          }
        }
      }
      min_ttl     = var.local_emulator ? 0 : null
      default_ttl = var.local_emulator ? 0 : null
      max_ttl     = var.local_emulator ? 0 : null
    }
  }

  default_cache_behavior {
    target_origin_id           = local.origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = var.local_emulator ? null : aws_cloudfront_cache_policy.this[0].id
    response_headers_policy_id = var.local_emulator ? null : aws_cloudfront_response_headers_policy.this[0].id

    dynamic "function_association" {
      for_each = aws_cloudfront_function.format
      content {
        event_type   = "viewer-request"
        function_arn = function_association.value.arn
      }
    }

    # The emulator has no cache policies; it stores the legacy settings below instead, so the local stack
    # declares them to read back what it wrote.
    dynamic "forwarded_values" {
      for_each = var.local_emulator ? [1] : []
      content {
        query_string = false
        cookies {
          forward = "none"
        }
      }
    }
  }

  # A key the private bucket does not hold answers 403 through OAC (no s3:ListBucket): a user without an avatar or
  # banner gets the neutral default image instead, with 200, for the unchanged reference frontend's <img src>. The
  # error answer is cached as long as a stable URL, so a first upload shows as fast as a changed one. CloudFront
  # applies this to every origin: the API never answers 403 through the distribution (api-lambda's `foreign_api`
  # is only for events from another API Gateway).
  dynamic "custom_error_response" {
    for_each = var.default_image == null ? [] : [var.default_image]
    content {
      error_code            = 403
      response_code         = 200
      response_page_path    = "/${custom_error_response.value.key}"
      error_caching_min_ttl = custom_error_response.value.max_age_seconds
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = var.custom_domain == null
    acm_certificate_arn            = var.custom_domain == null ? null : var.custom_domain.certificate_arn
    # The emulator reports sni-only for every distribution.
    ssl_support_method       = var.custom_domain != null || var.local_emulator ? "sni-only" : null
    minimum_protocol_version = var.custom_domain == null ? "TLSv1" : "TLSv1.2_2021"
  }
}

################################################################################
# The default image (for keys the bucket does not hold), written next to the outputs
################################################################################

resource "aws_s3_object" "default_image" {
  # The emulator applies the bucket's TLS-only policy to its own plain-HTTP endpoint and refuses to read the object
  # back; the local cloud writes the same file into the bucket its CDN serves.
  count = var.default_image == null || var.local_emulator ? 0 : 1

  bucket        = var.default_image.bucket
  key           = var.default_image.key
  source        = "${path.module}/default-image.png"
  source_hash   = filemd5("${path.module}/default-image.png")
  content_type  = "image/png"
  cache_control = "public, max-age=${var.default_image.max_age_seconds}"
}

################################################################################
# DNS (only with a custom domain and a hosted zone)
################################################################################

resource "aws_route53_record" "this" {
  for_each = var.custom_domain == null ? toset([]) : var.custom_domain.hosted_zone_id == null ? toset([]) : toset(["A", "AAAA"])

  zone_id = var.custom_domain.hosted_zone_id
  name    = var.custom_domain.name
  type    = each.key

  alias {
    name                   = aws_cloudfront_distribution.this.domain_name
    zone_id                = aws_cloudfront_distribution.this.hosted_zone_id
    evaluate_target_health = false
  }
}

moved {
  from = aws_cloudfront_cache_policy.this
  to   = aws_cloudfront_cache_policy.this[0]
}

moved {
  from = aws_cloudfront_response_headers_policy.this
  to   = aws_cloudfront_response_headers_policy.this[0]
}
