mock_provider "aws" {
  mock_resource "aws_dynamodb_table" {
    defaults = {
      arn = "arn:aws:dynamodb:us-east-1:123456789012:table/cruddur-dev-upload-quota"
    }
  }
}

variables {
  table_name = "cruddur-dev-upload-quota"
}

run "counters_expire_and_cost_nothing_idle" {
  command = apply

  assert {
    condition     = aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.this.hash_key == "pk"
    error_message = "On-demand, keyed by pk (<sub>#<hour>), as lambdas/upload-url/src/quota.rs writes it."
  }

  assert {
    condition     = one(aws_dynamodb_table.this.ttl).enabled && one(aws_dynamodb_table.this.ttl).attribute_name == "expires_at"
    error_message = "Counters are deleted by TTL on expires_at."
  }

  assert {
    condition     = one(aws_dynamodb_table.this.server_side_encryption).enabled
    error_message = "Encrypted at rest."
  }
}

run "refuses_a_bad_name" {
  command = plan

  variables {
    table_name = "no spaces"
  }

  expect_failures = [var.table_name]
}
