mock_provider "aws" {
  mock_data "aws_subnet" {
    defaults = {
      vpc_id = "vpc-0a1b2c3d4e5f60718"
    }
  }
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }
  mock_resource "aws_security_group" {
    defaults = {
      id = "sg-0f0e0d0c0b0a09080"
    }
  }
}

variables {
  name                       = "cruddur-prod-profile-api"
  subnet_ids                 = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  database_security_group_id = "sg-0aaaaaaaaaaaaaaaa"
}

run "endpoint_by_default_and_postgres_only_between_the_two_groups" {
  command = apply

  assert {
    condition     = aws_vpc_security_group_ingress_rule.database.security_group_id == "sg-0aaaaaaaaaaaaaaaa" && aws_vpc_security_group_ingress_rule.database.from_port == 5432 && aws_vpc_security_group_ingress_rule.database.to_port == 5432 && aws_vpc_security_group_ingress_rule.database.referenced_security_group_id == aws_security_group.this.id
    error_message = "The database's group lets in 5432 from the function's group only."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.database.referenced_security_group_id == "sg-0aaaaaaaaaaaaaaaa" && aws_vpc_security_group_egress_rule.database.from_port == 5432
    error_message = "The function may reach the database's group on 5432."
  }

  assert {
    condition     = length(aws_vpc_endpoint.ssm) == 1 && aws_vpc_endpoint.ssm[0].service_name == "com.amazonaws.eu-west-1.ssm" && aws_vpc_endpoint.ssm[0].private_dns_enabled && aws_vpc_endpoint.ssm[0].vpc_endpoint_type == "Interface"
    error_message = "An SSM interface endpoint with private DNS in the region."
  }

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.ssm_nat) == 0
    error_message = "No egress to the internet when SSM is reached through the endpoint."
  }

  assert {
    condition     = aws_security_group.this.vpc_id == "vpc-0a1b2c3d4e5f60718"
    error_message = "The function's group is in the subnets' VPC."
  }
}

run "nat_opens_https_only_and_makes_no_endpoint" {
  command = apply

  variables {
    ssm_access = "nat"
  }

  assert {
    condition     = length(aws_vpc_endpoint.ssm) == 0 && length(aws_security_group.endpoint) == 0
    error_message = "No endpoint with NAT."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.ssm_nat[0].from_port == 443 && aws_vpc_security_group_egress_rule.ssm_nat[0].to_port == 443
    error_message = "Only HTTPS goes out through the NAT gateway."
  }
}

run "refuses_an_unknown_ssm_access" {
  command = plan

  variables {
    ssm_access = "peering"
  }

  expect_failures = [var.ssm_access]
}
