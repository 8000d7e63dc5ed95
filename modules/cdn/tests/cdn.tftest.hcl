mock_provider "aws" {
  mock_resource "aws_cloudfront_distribution" {
    defaults = {
      domain_name    = "d111111abcdef8.cloudfront.net"
      hosted_zone_id = "Z2FDTNDATAQYW2"
    }
  }
  mock_resource "aws_cloudfront_function" {
    defaults = {
      arn = "arn:aws:cloudfront::123456789012:function/example-dev-image-format"
    }
  }
}

variables {
  name                               = "example-dev"
  origin_bucket_regional_domain_name = "example-assets.s3.us-east-1.amazonaws.com"
}

run "default_domain" {
  command = apply

  assert {
    condition     = aws_cloudfront_origin_access_control.this.signing_behavior == "always" && aws_cloudfront_origin_access_control.this.signing_protocol == "sigv4"
    error_message = "OAC must always sign with SigV4."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.default_cache_behavior[0].viewer_protocol_policy == "redirect-to-https"
    error_message = "Viewers are redirected to HTTPS."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.http_version == "http2and3" && aws_cloudfront_distribution.this.is_ipv6_enabled
    error_message = "HTTP/2, HTTP/3 and IPv6 are on."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.default_cache_behavior[0].compress
    error_message = "Compression is on."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.viewer_certificate[0].cloudfront_default_certificate && length(aws_route53_record.this) == 0
    error_message = "Without a custom domain: CloudFront's certificate and no DNS records."
  }

  assert {
    condition     = output.cloudfront_base_url == "https://d111111abcdef8.cloudfront.net"
    error_message = "The base URL is the cloudfront.net name."
  }
}

run "custom_domain" {
  command = apply

  variables {
    custom_domain = {
      name            = "assets.example.com"
      certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666"
      hosted_zone_id  = "Z0123456789ABCDEFGHIJ"
    }
  }

  assert {
    condition     = aws_cloudfront_distribution.this.viewer_certificate[0].minimum_protocol_version == "TLSv1.2_2021" && aws_cloudfront_distribution.this.viewer_certificate[0].ssl_support_method == "sni-only"
    error_message = "A custom domain uses TLSv1.2_2021 with SNI."
  }

  assert {
    condition     = keys(aws_route53_record.this) == ["A", "AAAA"]
    error_message = "A and AAAA alias records are created."
  }

  assert {
    condition     = output.cloudfront_base_url == "https://assets.example.com"
    error_message = "The base URL is the custom domain."
  }
}

run "refuses_certificate_outside_us_east_1" {
  command = plan

  variables {
    custom_domain = {
      name            = "assets.example.com"
      certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666"
    }
  }

  expect_failures = [var.custom_domain]
}

run "cors_for_the_app_origins" {
  command = apply

  variables {
    cors_allow_origins = ["https://app.example"]
  }

  assert {
    condition     = one(aws_cloudfront_response_headers_policy.this[0].cors_config[0].access_control_allow_origins[0].items) == "https://app.example"
    error_message = "Only the app's origins may read assets."
  }

  assert {
    condition     = one(aws_cloudfront_response_headers_policy.this[0].cors_config[0].access_control_expose_headers[0].items) == "ETag"
    error_message = "The ETag is exposed so the page can see a new avatar."
  }
}

# The HTTP API behind the distribution: its routes' paths go to the API under the origin key, uncached, with the
# web ACL in front.
run "api_behind_the_web_acl" {
  command = apply

  variables {
    api_origin = {
      domain_name   = "abc123.execute-api.us-east-1.amazonaws.com"
      path_patterns = ["/api/profile", "/avatars/key_upload"]
    }
    api_origin_path = "/0123456789abcdef0123456789abcdef"
    web_acl_arn     = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/example-dev-edge/a1b2c3d4-5678-90ab-cdef-111122223333"
  }

  assert {
    condition     = aws_cloudfront_distribution.this.web_acl_id == var.web_acl_arn
    error_message = "The web ACL sits on the distribution."
  }

  assert {
    condition     = nonsensitive(one([for o in aws_cloudfront_distribution.this.origin : o.origin_path if o.origin_id == "http-api"])) == "/0123456789abcdef0123456789abcdef"
    error_message = "API requests carry the origin key as origin path."
  }

  assert {
    condition     = one([for o in aws_cloudfront_distribution.this.origin : o.custom_origin_config[0].origin_protocol_policy if o.origin_id == "http-api"]) == "https-only"
    error_message = "The distribution reaches the API over HTTPS only."
  }

  assert {
    condition     = [for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.path_pattern] == ["/api/profile", "/avatars/key_upload"]
    error_message = "Each route path has its own behaviour, ahead of the assets' default."
  }

  assert {
    condition = alltrue([for b in aws_cloudfront_distribution.this.ordered_cache_behavior :
      b.target_origin_id == "http-api" && b.cache_policy_id == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" && contains(b.allowed_methods, "POST") && b.viewer_protocol_policy == "https-only"
    ])
    error_message = "API paths go to the API uncached (CachingDisabled), with every method, over HTTPS only."
  }
}

# Issue 17 item 5: a user without an avatar gets the neutral default, with 200, on the stable URL.
run "missing_keys_get_the_default_image" {
  command = apply

  variables {
    default_image = {
      bucket = "example-assets"
      key    = "defaults/missing.png"
    }
  }

  assert {
    condition     = aws_s3_object.default_image[0].key == "defaults/missing.png" && aws_s3_object.default_image[0].content_type == "image/png" && aws_s3_object.default_image[0].cache_control == "public, max-age=60"
    error_message = "Terraform writes the default image into the bucket, cached like a stable URL."
  }

  assert {
    condition = one([for r in aws_cloudfront_distribution.this.custom_error_response : r if r.error_code == 403]).response_code == 200 && one([
      for r in aws_cloudfront_distribution.this.custom_error_response : r.response_page_path if r.error_code == 403
    ]) == "/defaults/missing.png"
    error_message = "A key the bucket lacks (403 through OAC) is answered with the default image and 200."
  }

  assert {
    condition     = one([for r in aws_cloudfront_distribution.this.custom_error_response : r.error_caching_min_ttl]) == 60
    error_message = "The default answer is cached no longer than a stable URL, so a first upload shows within a minute."
  }
}

# Issue 17 item 4: one viewer-request function per distribution, on the images only, with the kinds' rules in its
# code; the Vary header tells other caches the answer depends on Accept.
run "format_negotiation" {
  command = apply

  variables {
    api_origin = {
      domain_name   = "abc123.execute-api.us-east-1.amazonaws.com"
      path_patterns = ["/api/profile"]
    }
    format_negotiation = [{
      prefix = "/avatars/"
      from   = ".jpg"
      to     = [{ extension = ".webp", media_type = "image/webp" }]
    }]
  }

  assert {
    condition     = aws_cloudfront_function.format[0].runtime == "cloudfront-js-2.0" && aws_cloudfront_function.format[0].publish
    error_message = "The function is published on the 2.0 runtime."
  }

  assert {
    condition     = strcontains(aws_cloudfront_function.format[0].code, "\"prefix\":\"/avatars/\"") && !strcontains(aws_cloudfront_function.format[0].code, "$${rules}")
    error_message = "The rules are rendered into the code."
  }

  assert {
    condition     = [for a in aws_cloudfront_distribution.this.default_cache_behavior[0].function_association : a.event_type] == ["viewer-request"]
    error_message = "The images' behaviour runs it on viewer requests."
  }

  assert {
    condition     = alltrue([for b in aws_cloudfront_distribution.this.ordered_cache_behavior : length(b.function_association) == 0])
    error_message = "The API's behaviours do not run it."
  }

  assert {
    condition     = one(aws_cloudfront_response_headers_policy.this[0].custom_headers_config[0].items).value == "Accept"
    error_message = "Responses vary on Accept."
  }
}

run "no_format_negotiation" {
  command = plan

  assert {
    condition     = length(aws_cloudfront_function.format) == 0
    error_message = "Without rules there is no function."
  }
}
