################################################################################
# Bucket
################################################################################

resource "aws_s3_bucket" "this" {
  # checkov:skip=CKV_AWS_18:Server access logs would need a third, ACL-enabled bucket per environment; CloudTrail S3 data events are the audit trail we recommend instead.
  # checkov:skip=CKV_AWS_144:Cross-region replication is not needed: originals are transient and every avatar can be re-derived from its original.
  # checkov:skip=CKV_AWS_145:SSE-S3 (AES256) is used on purpose: a customer KMS key would need grants for CloudFront OAC and every presigned uploader, for images that are public once processed.
  # checkov:skip=CKV2_AWS_62:Event notifications are attached by the s3-lambda-trigger module where a bucket needs them (the uploads bucket); the assets bucket has no consumer.
  # checkov:skip=CKV_AWS_21:Versioning is a per-bucket choice (var.versioning): on for assets, off for uploads whose originals expire after a few days.
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = var.versioning ? "Enabled" : "Suspended"
  }
}

################################################################################
# Lifecycle
################################################################################

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  # checkov:skip=CKV_AWS_300:False positive: checkov stops reading rules at the dynamic blocks below; the first, static rule aborts incomplete multipart uploads for the whole bucket (asserted in tests/private_bucket.tftest.hcl).
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_upload_days
    }
  }

  dynamic "rule" {
    for_each = var.expiration == null ? [] : [var.expiration]

    content {
      id     = "expire-current-objects"
      status = "Enabled"

      filter {
        prefix = rule.value.prefix
      }

      expiration {
        days = rule.value.days
      }
    }
  }

  # Objects a writer has marked as no longer needed (e.g. the resizer's superseded versioned copies).
  dynamic "rule" {
    for_each = var.tagged_expiration == null ? [] : [var.tagged_expiration]

    content {
      id     = "expire-tagged-objects"
      status = "Enabled"

      filter {
        tag {
          key   = rule.value.tag_key
          value = rule.value.tag_value
        }
      }

      expiration {
        days = rule.value.days
      }
    }
  }

  dynamic "rule" {
    for_each = var.versioning ? [var.noncurrent_version_expiration_days] : []

    content {
      id     = "expire-noncurrent-versions"
      status = "Enabled"

      filter {}

      noncurrent_version_expiration {
        noncurrent_days = rule.value
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

################################################################################
# CORS
################################################################################

resource "aws_s3_bucket_cors_configuration" "this" {
  count = length(var.cors_rules) > 0 ? 1 : 0

  bucket = aws_s3_bucket.this.id

  dynamic "cors_rule" {
    for_each = var.cors_rules

    content {
      allowed_methods = cors_rule.value.allowed_methods
      allowed_origins = cors_rule.value.allowed_origins
      allowed_headers = cors_rule.value.allowed_headers
      expose_headers  = cors_rule.value.expose_headers
      max_age_seconds = cors_rule.value.max_age_seconds
    }
  }
}

################################################################################
# Policy: TLS only, plus the caller's statements
################################################################################

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }
    ], var.policy_statements)
  })

  # A policy written before the public-access block could be rejected as public.
  depends_on = [aws_s3_bucket_public_access_block.this]
}
