data "aws_region" "current" {}

# The VPC is the subnets': the first one names it (a function's subnets must share one VPC).
data "aws_subnet" "first" {
  id = var.subnet_ids[0]
}

################################################################################
# The function's security group: out to the database, and to SSM over HTTPS
################################################################################

resource "aws_security_group" "this" {
  # checkov:skip=CKV2_AWS_5:Attached in the calling root: the profile function's vpc_security_group_ids (modules/lambda-function) take database_access_security_group_id, a module output checkov does not follow.
  name        = "${var.name}-function"
  description = "The profile function's network interfaces: Postgres to the database, HTTPS to SSM"
  vpc_id      = data.aws_subnet.first.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "database" {
  security_group_id            = aws_security_group.this.id
  description                  = "Postgres to the database's security group"
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
  referenced_security_group_id = var.database_security_group_id
}

resource "aws_vpc_security_group_egress_rule" "ssm_endpoint" {
  count = var.ssm_access == "endpoint" ? 1 : 0

  security_group_id            = aws_security_group.this.id
  description                  = "HTTPS to the SSM interface endpoint"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.endpoint[0].id
}

resource "aws_vpc_security_group_egress_rule" "ssm_nat" {
  count = var.ssm_access == "nat" ? 1 : 0

  security_group_id = aws_security_group.this.id
  description       = "HTTPS to SSM's public endpoint through the VPC's NAT gateway"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

################################################################################
# The database's side: Postgres in from the function only
################################################################################

resource "aws_vpc_security_group_ingress_rule" "database" {
  security_group_id            = var.database_security_group_id
  description                  = "Postgres from ${var.name}"
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
  referenced_security_group_id = aws_security_group.this.id
}

################################################################################
# SSM without a NAT gateway: an interface endpoint in the same subnets
################################################################################

resource "aws_security_group" "endpoint" {
  count = var.ssm_access == "endpoint" ? 1 : 0

  name        = "${var.name}-ssm-endpoint"
  description = "The SSM interface endpoint: HTTPS in from the profile function only"
  vpc_id      = data.aws_subnet.first.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "endpoint" {
  count = var.ssm_access == "endpoint" ? 1 : 0

  security_group_id            = aws_security_group.endpoint[0].id
  description                  = "HTTPS from the profile function"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.this.id
}

resource "aws_vpc_endpoint" "ssm" {
  count = var.ssm_access == "endpoint" ? 1 : 0

  vpc_id              = data.aws_subnet.first.vpc_id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.ssm"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.subnet_ids
  security_group_ids  = [aws_security_group.endpoint[0].id]
  private_dns_enabled = true
}
