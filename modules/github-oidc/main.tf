# The IAM roles GitHub Actions assumes with its OIDC token: a read-only role for `terraform plan` on pull requests
# and a separate role for `terraform apply` on one branch. Neither can change the roles themselves or their trust:
# that stays with an administrator (the first apply of this module, and any later change to it, is run by hand).

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  issuer       = "token.actions.githubusercontent.com"
  account      = data.aws_caller_identity.current.account_id
  region       = data.aws_region.current.name
  partition    = data.aws_partition.current.partition
  provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn

  # The OIDC `sub` claim GitHub sets for each trigger.
  plan_subject  = "repo:${var.repository}:pull_request"
  apply_subject = var.apply_branch == null ? null : "repo:${var.repository}:ref:refs/heads/${var.apply_branch}"

  ci_roles = ["arn:${local.partition}:iam::${local.account}:role/${var.name_prefix}-github-*"]

  state_bucket_arn = "arn:${local.partition}:s3:::${var.state_bucket}"
  state_object_arn = "arn:${local.partition}:s3:::${var.state_bucket}/${var.state_key}"
  bucket_arns      = [for b in var.bucket_names : "arn:${local.partition}:s3:::${b}"]

  # Everything the environment's modules create is named `<name_prefix>-...` (or under it).
  functions   = "arn:${local.partition}:lambda:${local.region}:${local.account}:function:${var.name_prefix}-*"
  roles       = "arn:${local.partition}:iam::${local.account}:role/${var.name_prefix}-*"
  queues      = "arn:${local.partition}:sqs:${local.region}:${local.account}:${var.name_prefix}-*"
  log_groups  = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group:/aws/lambda/${var.name_prefix}-*", "arn:${local.partition}:logs:${local.region}:${local.account}:log-group:/aws/apigateway/${var.name_prefix}-*"]
  apis        = ["arn:${local.partition}:apigateway:${local.region}::/apis", "arn:${local.partition}:apigateway:${local.region}::/apis/*", "arn:${local.partition}:apigateway:${local.region}::/tags/*"]
  cloudfront  = [for kind in ["distribution", "origin-access-control", "cache-policy", "response-headers-policy"] : "arn:${local.partition}:cloudfront::${local.account}:${kind}/*"]
  zone        = var.hosted_zone_id == null ? [] : ["arn:${local.partition}:route53:::hostedzone/${var.hosted_zone_id}"]
  zone_change = var.hosted_zone_id == null ? [] : ["arn:${local.partition}:route53:::change/*"]
}

resource "aws_iam_openid_connect_provider" "github" {
  count          = var.create_oidc_provider ? 1 : 0
  url            = "https://${local.issuer}"
  client_id_list = ["sts.amazonaws.com"]
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 0 : 1
  url   = "https://${local.issuer}"
}

# ---- plan role: pull requests, read-only -------------------------------------------------------------------------

# One trust policy per role, differing only in the `sub` claim it accepts.
data "aws_iam_policy_document" "trust" {
  for_each = {
    for role, trust in {
      plan  = { sid = "GitHubPullRequests", subject = local.plan_subject }
      apply = { sid = "GitHubApplyBranch", subject = local.apply_subject }
    } : role => trust if trust.subject != null
  }

  statement {
    sid     = each.value.sid
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:sub"
      values   = [each.value.subject]
    }
  }
}

# What `terraform plan -lock=false` reads: the state object and the configuration (never the objects) of each
# resource of this environment. No write action at all.
data "aws_iam_policy_document" "plan" {
  statement {
    sid       = "ReadState"
    actions   = ["s3:GetObject"]
    resources = [local.state_object_arn]
  }
  statement {
    sid       = "ListState"
    actions   = ["s3:ListBucket"]
    resources = [local.state_bucket_arn]
  }
  statement {
    sid       = "ReadBucketSettings"
    actions   = ["s3:GetBucket*", "s3:GetAccelerateConfiguration", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration"]
    resources = local.bucket_arns
  }
  statement {
    sid       = "ReadFunctions"
    actions   = ["lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConfiguration", "lambda:GetFunctionEventInvokeConfig", "lambda:GetFunctionRecursionConfig", "lambda:GetPolicy", "lambda:ListTags", "lambda:ListVersionsByFunction"]
    resources = [local.functions]
  }
  statement {
    sid       = "ReadRoles"
    actions   = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies"]
    resources = [local.roles]
  }
  statement {
    sid       = "ReadOidcProvider"
    actions   = ["iam:GetOpenIDConnectProvider"]
    resources = [local.provider_arn]
  }
  statement {
    sid       = "ReadQueues"
    actions   = ["sqs:GetQueueAttributes", "sqs:ListQueueTags"]
    resources = [local.queues]
  }
  statement {
    sid       = "ReadLogGroups"
    actions   = ["logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup"]
    resources = concat(local.log_groups, ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group::log-stream:"])
  }
  statement {
    sid       = "ReadApis"
    actions   = ["apigateway:GET"]
    resources = local.apis
  }
  statement {
    sid       = "ReadCdn"
    actions   = ["cloudfront:GetCachePolicy", "cloudfront:GetDistribution", "cloudfront:GetOriginAccessControl", "cloudfront:GetResponseHeadersPolicy", "cloudfront:ListTagsForResource"]
    resources = local.cloudfront
  }
  dynamic "statement" {
    for_each = var.hosted_zone_id == null ? [] : [1]
    content {
      sid       = "ReadDnsRecords"
      actions   = ["route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource"]
      resources = local.zone
    }
  }
}

resource "aws_iam_role" "plan" {
  count                = var.plan_on_pull_requests ? 1 : 0
  name                 = "${var.name_prefix}-github-plan"
  description          = "terraform plan from pull requests of ${var.repository} (read-only)"
  assume_role_policy   = data.aws_iam_policy_document.trust["plan"].json
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "plan" {
  count  = var.plan_on_pull_requests ? 1 : 0
  name   = "read-only-plan"
  role   = aws_iam_role.plan[0].id
  policy = data.aws_iam_policy_document.plan.json
}

# ---- apply role: one branch, this environment's resources only -------------------------------------------------

data "aws_iam_policy_document" "apply" {
  statement {
    sid       = "ReadAndLockState"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = [local.state_object_arn, "${local.state_object_arn}.tflock"]
  }
  statement {
    sid       = "ListState"
    actions   = ["s3:ListBucket"]
    resources = [local.state_bucket_arn]
  }
  statement {
    # Bucket configuration only: object ARNs (`bucket/*`) are not granted, so CI never reads users' images.
    sid       = "ManageBuckets"
    actions   = ["s3:CreateBucket", "s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:GetBucket*", "s3:GetAccelerateConfiguration", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:PutBucket*", "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration"]
    resources = local.bucket_arns
  }
  statement {
    sid       = "ManageFunctions"
    actions   = ["lambda:*"]
    resources = [local.functions]
  }
  statement {
    sid       = "ManageFunctionRoles"
    actions   = ["iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies", "iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole"]
    resources = [local.roles]
  }
  statement {
    # The one managed policy a function role gets (VPC access); never AdministratorAccess or the like.
    sid       = "AttachVpcAccessOnly"
    actions   = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]
    resources = [local.roles]
    condition {
      test     = "ArnEquals"
      variable = "iam:PolicyARN"
      values   = ["arn:${local.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]
    }
  }
  statement {
    sid       = "PassRolesToLambdaOnly"
    actions   = ["iam:PassRole"]
    resources = [local.roles]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["lambda.amazonaws.com"]
    }
  }
  statement {
    sid       = "ReadOidcProvider"
    actions   = ["iam:GetOpenIDConnectProvider"]
    resources = [local.provider_arn]
  }
  statement {
    # CI cannot widen its own access: the GitHub roles and their trust are changed by an administrator only.
    sid       = "NeverChangeCiRoles"
    effect    = "Deny"
    actions   = ["iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole"]
    resources = local.ci_roles
  }
  statement {
    sid       = "ManageQueues"
    actions   = ["sqs:*"]
    resources = [local.queues]
  }
  statement {
    sid       = "ManageLogGroups"
    actions   = ["logs:*"]
    resources = concat(local.log_groups, [for g in local.log_groups : "${g}:*"])
  }
  statement {
    sid       = "DescribeLogGroups"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group::log-stream:"]
  }
  statement {
    sid       = "ManageApis"
    actions   = ["apigateway:DELETE", "apigateway:GET", "apigateway:PATCH", "apigateway:POST", "apigateway:PUT"]
    resources = local.apis
  }
  statement {
    sid       = "ManageCdn"
    actions   = ["cloudfront:*"]
    resources = local.cloudfront
  }
  dynamic "statement" {
    for_each = var.hosted_zone_id == null ? [] : [1]
    content {
      sid       = "ManageDnsRecords"
      actions   = ["route53:ChangeResourceRecordSets", "route53:GetChange", "route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource"]
      resources = concat(local.zone, local.zone_change)
    }
  }
}

resource "aws_iam_role" "apply" {
  count                = var.apply_branch == null ? 0 : 1
  name                 = "${var.name_prefix}-github-apply"
  description          = "terraform apply from ${var.repository}@${coalesce(var.apply_branch, "-")}"
  assume_role_policy   = data.aws_iam_policy_document.trust["apply"].json
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "apply" {
  count  = var.apply_branch == null ? 0 : 1
  name   = "apply-environment"
  role   = aws_iam_role.apply[0].id
  policy = data.aws_iam_policy_document.apply.json
}
