mock_provider "aws" {
  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::example-bucket"
    }
  }
}

variables {
  bucket_name = "example-bucket"
}

run "hardened_by_default" {
  command = plan

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "All four public-access blocks must be on."
  }

  assert {
    condition     = aws_s3_bucket_ownership_controls.this.rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (BucketOwnerEnforced)."
  }

  assert {
    condition     = one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.abort_incomplete_multipart_upload[0].days_after_initiation if r.id == "abort-incomplete-multipart-uploads"]) == 1
    error_message = "Incomplete multipart uploads must be aborted after a day."
  }

  assert {
    condition     = aws_s3_bucket.this.force_destroy == false
    error_message = "force_destroy must default to false."
  }

  assert {
    condition     = length(aws_s3_bucket_cors_configuration.this) == 0
    error_message = "No CORS configuration unless rules are given."
  }

  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Suspended"
    error_message = "Versioning is off unless asked for."
  }
}

run "tls_only_policy_comes_first" {
  command = apply

  variables {
    policy_statements = [{ Sid = "Extra", Effect = "Allow", Principal = { Service = "cloudfront.amazonaws.com" }, Action = "s3:GetObject", Resource = "arn:aws:s3:::example-bucket/*" }]
  }

  assert {
    condition     = jsondecode(aws_s3_bucket_policy.this.policy).Statement[0].Sid == "DenyInsecureTransport"
    error_message = "The first statement must deny requests without TLS."
  }

  assert {
    condition     = jsondecode(aws_s3_bucket_policy.this.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false"
    error_message = "The deny must apply when aws:SecureTransport is false."
  }

  assert {
    condition     = jsondecode(aws_s3_bucket_policy.this.policy).Statement[1].Sid == "Extra"
    error_message = "Caller statements follow the TLS statement."
  }
}

run "lifecycle_and_cors" {
  command = plan

  variables {
    versioning = true
    expiration = { prefix = "avatars/original/", days = 7 }
    cors_rules = [{ allowed_methods = ["PUT"], allowed_origins = ["https://app.example.com"] }]
  }

  assert {
    condition     = length(aws_s3_bucket_lifecycle_configuration.this.rule) == 3
    error_message = "Expected the multipart, expiration and noncurrent-version rules."
  }

  assert {
    condition     = one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.expiration[0].days if r.id == "expire-current-objects"]) == 7
    error_message = "Originals must expire after the configured days."
  }

  assert {
    condition     = tolist(aws_s3_bucket_cors_configuration.this[0].cors_rule)[0].allowed_origins == toset(["https://app.example.com"])
    error_message = "CORS origins must come from the caller."
  }
}

run "rejects_unknown_cors_method" {
  command = plan

  variables {
    cors_rules = [{ allowed_methods = ["PATCH"], allowed_origins = ["https://app.example.com"] }]
  }

  expect_failures = [var.cors_rules]
}

run "tagged_objects_expire" {
  command = plan

  variables {
    versioning        = true
    tagged_expiration = { tag_key = "avatar-version", tag_value = "superseded", days = 7 }
  }

  assert {
    condition     = one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.expiration[0].days if r.id == "expire-tagged-objects"]) == 7
    error_message = "Tagged objects expire after the given days."
  }

  assert {
    condition     = one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.filter[0].tag[0] if r.id == "expire-tagged-objects"]) == { key = "avatar-version", value = "superseded" }
    error_message = "Only objects carrying the tag expire."
  }
}

run "tagged_expiration_needs_a_day" {
  command = plan

  variables {
    tagged_expiration = { tag_key = "k", tag_value = "v", days = 0 }
  }

  expect_failures = [var.tagged_expiration]
}
