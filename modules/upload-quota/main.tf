# The per-user counters of upload URLs (lambdas/upload-url/src/quota.rs): one item per user and hour, key `pk` =
# `<sub>#<hour>`, deleted by TTL once its hour has passed. On-demand billing: one write per upload URL, nothing
# when idle.

resource "aws_dynamodb_table" "this" {
  # checkov:skip=CKV_AWS_28:The items are hourly counters that expire within two hours; a point-in-time restore would bring back stale limits, not data.
  # checkov:skip=CKV_AWS_119:The counters hold user ids and counts, no content; the AWS-owned key encrypts them at rest, and a customer key would add a KMS request per write.
  # checkov:skip=CKV2_AWS_16:On-demand capacity scales by itself; auto scaling applies to provisioned tables only.
  name         = var.table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  server_side_encryption {
    enabled = true
  }

  deletion_protection_enabled = false
}
