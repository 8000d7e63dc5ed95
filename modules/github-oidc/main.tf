# The IAM roles GitHub Actions assumes with its OIDC token: a read-only role for `terraform plan` on pull requests
# and a separate role for `terraform apply` from jobs of one GitHub environment (whose required reviewers gate it).
# Neither can change the CI roles, their trust or the function permissions boundary: that stays with an
# administrator (the first apply of this module, and any later change to it, is run by hand). Every role the apply
# role may create lives under the path `/<name_prefix>/` and must carry the boundary, so CI can at most give a
# function what the boundary allows: never IAM, never another environment's resources.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}
# The generated root's provider tags every resource with its project and environment; CloudFront distributions and
# HTTP APIs cannot be named in an ARN before they exist, so those tags are what tells this environment's apart.
data "aws_default_tags" "current" {}

locals {
  issuer       = "token.actions.githubusercontent.com"
  account      = data.aws_caller_identity.current.account_id
  region       = data.aws_region.current.name
  partition    = data.aws_partition.current.partition
  provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn

  # The OIDC `sub` claim GitHub sets for each trigger. Repositories created or renamed since 2026-07-15 get the
  # immutable form by default, `repo:owner@<owner id>/name@<repository id>:...`; older ones the name-only form.
  repository_subject = var.repository_ids == null ? var.repository : format("%s@%d/%s@%d", split("/", var.repository)[0], var.repository_ids.owner, split("/", var.repository)[1], var.repository_ids.repository)
  plan_subject       = "repo:${local.repository_subject}:pull_request"
  apply_subject      = var.apply_environment == null ? null : "repo:${local.repository_subject}:environment:${var.apply_environment}"

  ci_roles = ["arn:${local.partition}:iam::${local.account}:role/${var.name_prefix}-github-*"]

  # The functions' roles: the only roles CI may create, change or pass, all under this environment's path.
  function_roles = "arn:${local.partition}:iam::${local.account}:role/${var.name_prefix}/*"
  boundary_arn   = "arn:${local.partition}:iam::${local.account}:policy/${var.name_prefix}-function-boundary"
  # The functions that read the database URL get their own, narrower boundary: no bucket, queue, table or CDN.
  database_boundary_arn = "arn:${local.partition}:iam::${local.account}:policy/${var.name_prefix}-database-function-boundary"
  database_roles        = [for name in var.database_function_names : "arn:${local.partition}:iam::${local.account}:role/${var.name_prefix}/${name}"]
  boundaries            = concat([local.boundary_arn], length(local.database_roles) > 0 ? [local.database_boundary_arn] : [])

  state_bucket_arn = "arn:${local.partition}:s3:::${var.state_bucket}"
  state_object_arn = "arn:${local.partition}:s3:::${var.state_bucket}/${var.state_key}"
  bucket_arns      = [for b in var.bucket_names : "arn:${local.partition}:s3:::${b}"]
  # The objects Terraform itself writes (the CDN's default image): the only objects either role touches.
  terraform_objects = [for o in var.terraform_objects : "arn:${local.partition}:s3:::${o}"]

  # Everything the environment's modules create is named `<name_prefix>-...` (or under it).
  functions = "arn:${local.partition}:lambda:${local.region}:${local.account}:function:${var.name_prefix}-*"
  # Event source mappings are named by a UUID; which function one feeds is the `lambda:FunctionArn` condition.
  event_source_mappings = "arn:${local.partition}:lambda:${local.region}:${local.account}:event-source-mapping:*"
  roles                 = "arn:${local.partition}:iam::${local.account}:role/${var.name_prefix}-*"
  queues                = "arn:${local.partition}:sqs:${local.region}:${local.account}:${var.name_prefix}-*"
  tables                = "arn:${local.partition}:dynamodb:${local.region}:${local.account}:table/${var.name_prefix}-*"
  alarms                = "arn:${local.partition}:cloudwatch:${local.region}:${local.account}:alarm:${var.name_prefix}-*"
  # Topics, and their subscriptions (`<topic ARN>:<id>`).
  topics = "arn:${local.partition}:sns:${local.region}:${local.account}:${var.name_prefix}-*"
  # The functions' and the API's logs, and the edge firewall's (its log group is in us-east-1 with the web ACL).
  log_groups = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group:/aws/lambda/${var.name_prefix}-*", "arn:${local.partition}:logs:${local.region}:${local.account}:log-group:/aws/apigateway/${var.name_prefix}-*", "arn:${local.partition}:logs:us-east-1:${local.account}:log-group:aws-waf-logs-${var.name_prefix}-*"]
  # modules/edge-firewall: CloudFront web ACLs are global, created in us-east-1.
  web_acls = "arn:${local.partition}:wafv2:us-east-1:${local.account}:global/webacl/${var.name_prefix}-*/*"
  apis     = ["arn:${local.partition}:apigateway:${local.region}::/apis", "arn:${local.partition}:apigateway:${local.region}::/apis/*", "arn:${local.partition}:apigateway:${local.region}::/tags/*"]
  # The distribution and its policies, and this environment's CloudFront Functions (modules/cdn's format negotiation).
  cloudfront = concat([for kind in ["distribution", "origin-access-control", "cache-policy", "response-headers-policy"] : "arn:${local.partition}:cloudfront::${local.account}:${kind}/*"], ["arn:${local.partition}:cloudfront::${local.account}:function/${var.name_prefix}-*"])
  zone       = var.hosted_zone_id == null ? [] : ["arn:${local.partition}:route53:::hostedzone/${var.hosted_zone_id}"]
  # modules/account-guardrails: the analyzer and the rule that sends its findings to the alarm topic.
  analyzer      = "arn:${local.partition}:access-analyzer:${local.region}:${local.account}:analyzer/${var.name_prefix}-external-access"
  findings_rule = "arn:${local.partition}:events:${local.region}:${local.account}:rule/${var.name_prefix}-external-access-findings"
  # modules/alerts' topic (`<name_prefix>-alarms`) and its subscriptions (`<topic ARN>:<id>`).
  alarm_topic = "arn:${local.partition}:sns:${local.region}:${local.account}:${var.name_prefix}-alarms"
  # The tags that mark this environment's distributions and APIs (absent from a root without default tags).
  owner_tags = { for k, v in data.aws_default_tags.current.tags : k => v if contains(["project", "environment"], k) }
  # An HTTP API itself (`/apis/<10-character id>`), not its routes, integrations or authorizers: AWS does not
  # pass an HTTP API's tags down to those, so a tag condition there would refuse this environment's own.
  api_itself  = "arn:${local.partition}:apigateway:${local.region}::/apis/??????????"
  zone_change = var.hosted_zone_id == null ? [] : ["arn:${local.partition}:route53:::change/*"]
  # modules/database-access: the function's security groups and SSM endpoint, and the database's group.
  in_vpc               = var.database_security_group_id != null
  ec2                  = "arn:${local.partition}:ec2:${local.region}:${local.account}"
  database_group_arn   = local.in_vpc ? "${local.ec2}:security-group/${var.database_security_group_id}" : null
  network_read_actions = ["ec2:DescribeNetworkInterfaces", "ec2:DescribePrefixLists", "ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcAttribute", "ec2:DescribeVpcEndpoints", "ec2:DescribeVpcs"]
  group_change_actions = ["ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "ec2:CreateTags", "ec2:DeleteSecurityGroup", "ec2:DeleteTags", "ec2:ModifySecurityGroupRules", "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress", "ec2:UpdateSecurityGroupRuleDescriptionsIngress"]
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
      apply = { sid = "GitHubApplyEnvironment", subject = local.apply_subject }
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
  dynamic "statement" {
    for_each = length(local.terraform_objects) > 0 ? [1] : []
    content {
      sid       = "ReadTerraformObjects"
      actions   = ["s3:GetObject", "s3:GetObjectTagging"]
      resources = local.terraform_objects
    }
  }
  statement {
    sid       = "ReadFunctions"
    actions   = ["lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConfiguration", "lambda:GetFunctionEventInvokeConfig", "lambda:GetFunctionRecursionConfig", "lambda:GetPolicy", "lambda:ListTags", "lambda:ListVersionsByFunction"]
    resources = [local.functions]
  }
  statement {
    sid       = "ReadEventSourceMappings"
    actions   = ["lambda:GetEventSourceMapping", "lambda:ListTags"]
    resources = [local.event_source_mappings]
  }
  statement {
    sid       = "ReadRoles"
    actions   = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies"]
    resources = [local.roles, local.function_roles]
  }
  statement {
    sid       = "ReadBoundary"
    actions   = ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"]
    resources = [local.boundary_arn, local.database_boundary_arn]
  }
  statement {
    # Account-wide S3 Block Public Access has no resource ARN.
    sid       = "ReadAccountPublicAccess"
    actions   = ["s3:GetAccountPublicAccessBlock"]
    resources = ["*"]
  }
  statement {
    sid       = "ReadExternalAccessAnalyzer"
    actions   = ["access-analyzer:GetAnalyzer", "access-analyzer:ListTagsForResource", "events:DescribeRule", "events:ListTagsForResource", "events:ListTargetsByRule"]
    resources = [local.analyzer, local.findings_rule]
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
  # Terraform reads an alarm with DescribeAlarms by name, which IAM checks against the alarm's ARN.
  statement {
    sid       = "ReadAlarms"
    actions   = ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"]
    resources = [local.alarms]
  }
  statement {
    sid       = "ReadAlarmTopics"
    actions   = ["sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListTagsForResource"]
    resources = [local.topics]
  }
  statement {
    sid       = "ReadTables"
    actions   = ["dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTable", "dynamodb:DescribeTimeToLive", "dynamodb:ListTagsOfResource"]
    resources = [local.tables]
  }
  statement {
    # DescribeMetricFilters: the log alarms' filters (modules/lambda-function `log_alarms`).
    sid       = "ReadLogGroups"
    actions   = ["logs:DescribeLogGroups", "logs:DescribeMetricFilters", "logs:ListTagsForResource", "logs:ListTagsLogGroup"]
    resources = concat(local.log_groups, [for g in local.log_groups : "${g}:*"], ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group::log-stream:"])
  }
  statement {
    sid       = "ReadApis"
    actions   = ["apigateway:GET"]
    resources = local.apis
  }
  statement {
    sid       = "ReadCdn"
    actions   = ["cloudfront:DescribeFunction", "cloudfront:GetCachePolicy", "cloudfront:GetDistribution", "cloudfront:GetFunction", "cloudfront:GetOriginAccessControl", "cloudfront:GetResponseHeadersPolicy", "cloudfront:ListTagsForResource"]
    resources = local.cloudfront
  }
  statement {
    sid       = "ReadEdgeFirewall"
    actions   = ["wafv2:GetLoggingConfiguration", "wafv2:GetWebACL", "wafv2:ListTagsForResource"]
    resources = [local.web_acls]
  }
  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []
    content {
      # EC2's Describe calls have no resource-level permissions.
      sid       = "ReadDatabaseNetwork"
      actions   = local.network_read_actions
      resources = ["*"]
    }
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

# ---- function boundaries: the most any role CI creates may do --------------------------------------------------

# Two boundaries, so no role CI can create both reads users' images and reads the database URL: one for the
# functions that work on objects (resizers, upload functions), one for those that read the database URL
# (`database_function_names`, i.e. profile-api). Each is the union of what its functions need (their own
# policies are narrower, per kind and prefix).
data "aws_iam_policy_document" "function_boundary" {
  statement {
    sid       = "WriteFunctionLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group:/aws/lambda/${var.name_prefix}-*:*"]
  }
  statement {
    sid       = "UseTheEnvironmentsObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectTagging", "s3:PutObjectTagging"]
    resources = [for b in local.bucket_arns : "${b}/*"]
  }
  statement {
    sid       = "ListTheEnvironmentsBuckets"
    actions   = ["s3:ListBucket"]
    resources = local.bucket_arns
  }
  statement {
    sid       = "SendFailedEvents"
    actions   = ["sqs:SendMessage"]
    resources = [local.queues]
  }
  statement {
    sid       = "ReceiveQueuedEvents"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
    resources = [local.queues]
  }
  statement {
    sid       = "CountUploadUrls"
    actions   = ["dynamodb:UpdateItem"]
    resources = [local.tables]
  }
  statement {
    sid       = "InvalidateTheCdn"
    actions   = ["cloudfront:CreateInvalidation"]
    resources = ["arn:${local.partition}:cloudfront::${local.account}:distribution/*"]
  }
}

resource "aws_iam_policy" "function_boundary" {
  name        = "${var.name_prefix}-function-boundary"
  description = "Permissions boundary of every ${var.name_prefix} function role that works on objects: what the CI apply role can give such a function at most"
  policy      = data.aws_iam_policy_document.function_boundary.json
}

data "aws_iam_policy_document" "database_function_boundary" {
  statement {
    sid       = "WriteFunctionLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account}:log-group:/aws/lambda/${var.name_prefix}-*:*"]
  }
  dynamic "statement" {
    for_each = length(var.function_parameter_arns) > 0 ? [1] : []
    content {
      sid       = "ReadFunctionParameters"
      actions   = ["ssm:GetParameter"]
      resources = var.function_parameter_arns
    }
  }
  dynamic "statement" {
    for_each = length(var.function_kms_key_arns) > 0 ? [1] : []
    content {
      sid       = "DecryptParametersViaSsm"
      actions   = ["kms:Decrypt"]
      resources = var.function_kms_key_arns
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["ssm.${local.region}.amazonaws.com"]
      }
    }
  }
  statement {
    # What AWSLambdaVPCAccessExecutionRole grants, for a function in the database's VPC, kept to this account and
    # region (the managed policy says "*").
    sid       = "ManageOwnNetworkInterfaces"
    actions   = ["ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:UnassignPrivateIpAddresses"]
    resources = ["${local.ec2}:*"]
  }
  statement {
    # EC2's Describe calls have no resource-level permissions.
    sid       = "DescribeOwnNetwork"
    actions   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "database_function_boundary" {
  name        = "${var.name_prefix}-database-function-boundary"
  description = "Permissions boundary of the ${var.name_prefix} function roles that read the database URL: no bucket, queue, table or CDN"
  policy      = data.aws_iam_policy_document.database_function_boundary.json
}

# ---- apply role: one GitHub environment, this environment's resources only ----------------------------------------

locals {
  # What Terraform needs for aws_lambda_function, its permissions, concurrency, event invoke and recursion configs.
  # No lambda:InvokeFunction, no function URLs, no layers, no code signing changes.
  lambda_actions = [
    "lambda:CreateFunction", "lambda:DeleteFunction", "lambda:DeleteFunctionConcurrency",
    "lambda:DeleteFunctionEventInvokeConfig", "lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig",
    "lambda:GetFunctionConcurrency", "lambda:GetFunctionConfiguration", "lambda:GetFunctionEventInvokeConfig",
    "lambda:GetFunctionRecursionConfig", "lambda:GetPolicy", "lambda:GetRuntimeManagementConfig", "lambda:ListTags",
    "lambda:ListVersionsByFunction", "lambda:PutFunctionConcurrency", "lambda:PutFunctionEventInvokeConfig",
    "lambda:PutFunctionRecursionConfig", "lambda:RemovePermission", "lambda:TagResource", "lambda:UntagResource",
    "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:UpdateFunctionEventInvokeConfig",
  ]
  # Everything that sets a role's boundary or what it may do.
  role_change_actions = ["iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"]
  # What Terraform needs for aws_sqs_queue: no message actions, no AddPermission/RemovePermission.
  queue_actions = ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"]
  # Every way CloudWatch Logs sends lines out of a log group.
  log_forwarding_actions = ["logs:CreateExportTask", "logs:PutDeliveryDestination", "logs:PutDeliveryDestinationPolicy", "logs:PutDeliverySource", "logs:PutDestination", "logs:PutDestinationPolicy", "logs:PutSubscriptionFilter"]
  # The only services a function may be opened to: the HTTP API and the uploads bucket's events.
  permission_principals = ["apigateway.amazonaws.com", "s3.amazonaws.com"]
}

data "aws_iam_policy_document" "apply" {
  statement {
    sid       = "ReadAndLockState"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = [local.state_object_arn, "${local.state_object_arn}.tflock"]
  }
  dynamic "statement" {
    for_each = length(local.terraform_objects) > 0 ? [1] : []
    content {
      sid       = "WriteTerraformObjects"
      actions   = ["s3:DeleteObject", "s3:GetObject", "s3:GetObjectTagging", "s3:PutObject", "s3:PutObjectTagging"]
      resources = local.terraform_objects
    }
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
    actions   = local.lambda_actions
    resources = [local.functions]
  }
  # The resizers' queues feed them through event source mappings, and only the environment's functions.
  statement {
    sid       = "CreateEventSourceMappingsForOwnFunctions"
    actions   = ["lambda:CreateEventSourceMapping"]
    resources = ["*"]
    condition {
      test     = "ArnLike"
      variable = "lambda:FunctionArn"
      values   = [local.functions]
    }
  }
  statement {
    sid       = "ChangeEventSourceMappingsOfOwnFunctions"
    actions   = ["lambda:DeleteEventSourceMapping", "lambda:UpdateEventSourceMapping"]
    resources = [local.event_source_mappings]
    condition {
      test     = "ArnLike"
      variable = "lambda:FunctionArn"
      values   = [local.functions]
    }
  }
  statement {
    sid       = "ReadAndTagEventSourceMappings"
    actions   = ["lambda:GetEventSourceMapping", "lambda:ListTags", "lambda:TagResource", "lambda:UntagResource"]
    resources = [local.event_source_mappings]
  }
  statement {
    sid       = "OpenFunctionsToTheApiAndS3Only"
    actions   = ["lambda:AddPermission"]
    resources = [local.functions]
    condition {
      test     = "StringEquals"
      variable = "lambda:Principal"
      values   = local.permission_principals
    }
  }
  statement {
    # A function URL with AuthType NONE would skip the JWT authorizer (and let anyone forge the `sub`).
    sid       = "NoFunctionUrls"
    effect    = "Deny"
    actions   = ["lambda:CreateFunctionUrlConfig", "lambda:UpdateFunctionUrlConfig"]
    resources = ["*"]
  }
  statement {
    sid       = "NoFunctionUrlPermissions"
    effect    = "Deny"
    actions   = ["lambda:AddPermission"]
    resources = ["*"]
    condition {
      test     = "Null"
      variable = "lambda:FunctionUrlAuthType"
      values   = ["false"]
    }
  }
  statement {
    sid       = "ReadFunctionRoles"
    actions   = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies"]
    resources = [local.function_roles]
  }
  statement {
    # Creating a role, or changing what it may do, only while it carries the boundary.
    sid       = "ChangeFunctionRolesWithinTheBoundary"
    actions   = ["iam:CreateRole", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"]
    resources = [local.function_roles]
    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = local.boundaries
    }
  }
  dynamic "statement" {
    for_each = length(local.database_roles) > 0 ? [1] : []
    content {
      # The database boundary belongs to the named roles only, and those roles to it only: a resizer's role cannot
      # be given the database URL, nor profile-api's role the buckets.
      sid           = "DatabaseBoundaryOnlyOnDatabaseFunctions"
      effect        = "Deny"
      actions       = local.role_change_actions
      not_resources = local.database_roles
      condition {
        test     = "StringEquals"
        variable = "iam:PermissionsBoundary"
        values   = [local.database_boundary_arn]
      }
    }
  }
  dynamic "statement" {
    for_each = length(local.database_roles) > 0 ? [1] : []
    content {
      sid       = "DatabaseFunctionsOnlyWithTheDatabaseBoundary"
      effect    = "Deny"
      actions   = local.role_change_actions
      resources = local.database_roles
      condition {
        test     = "StringNotEquals"
        variable = "iam:PermissionsBoundary"
        values   = [local.database_boundary_arn]
      }
    }
  }
  statement {
    # The one managed policy a function role gets (VPC access); never AdministratorAccess or the like.
    sid       = "AttachVpcAccessOnly"
    actions   = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]
    resources = [local.function_roles]
    condition {
      test     = "ArnEquals"
      variable = "iam:PolicyARN"
      values   = ["arn:${local.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]
    }
    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = local.boundaries
    }
  }
  statement {
    # Trust changes only on the function roles (Terraform writes lambda.amazonaws.com there); CI roles are denied below.
    sid       = "ManageFunctionRoles"
    actions   = ["iam:DeleteRole", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole"]
    resources = [local.function_roles]
  }
  statement {
    sid       = "PassFunctionRolesToLambdaOnly"
    actions   = ["iam:PassRole"]
    resources = [local.function_roles]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["lambda.amazonaws.com"]
    }
  }
  statement {
    sid       = "ReadBoundary"
    actions   = ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"]
    resources = [local.boundary_arn, local.database_boundary_arn]
  }
  statement {
    sid       = "NeverRemoveABoundary"
    effect    = "Deny"
    actions   = ["iam:DeleteRolePermissionsBoundary"]
    resources = ["*"]
  }
  statement {
    sid       = "NeverChangeTheBoundary"
    effect    = "Deny"
    actions   = ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"]
    resources = [local.boundary_arn, local.database_boundary_arn]
  }
  statement {
    # Account-wide S3 Block Public Access has no resource ARN.
    sid       = "ReadAccountPublicAccess"
    actions   = ["s3:GetAccountPublicAccessBlock"]
    resources = ["*"]
  }
  statement {
    sid       = "ReadExternalAccessAnalyzer"
    actions   = ["access-analyzer:GetAnalyzer", "access-analyzer:ListTagsForResource", "events:DescribeRule", "events:ListTagsForResource", "events:ListTargetsByRule"]
    resources = [local.analyzer, local.findings_rule]
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
    actions   = ["iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PassRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole"]
    resources = local.ci_roles
  }
  statement {
    # The queues' settings, never their messages (failed S3 events name users' objects); no AddPermission, so a
    # queue is never shared with another account through its permission API.
    sid       = "ManageQueues"
    actions   = local.queue_actions
    resources = [local.queues]
  }
  statement {
    sid       = "ManageAlarms"
    actions   = ["cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource", "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:UntagResource"]
    resources = [local.alarms]
  }
  statement {
    sid       = "ManageAlarmTopics"
    actions   = ["sns:CreateTopic", "sns:DeleteTopic", "sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListTagsForResource", "sns:SetSubscriptionAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:TagResource", "sns:Unsubscribe", "sns:UntagResource"]
    resources = [local.topics]
  }
  # The tables' settings, never their items.
  statement {
    sid       = "ManageTables"
    actions   = ["dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTable", "dynamodb:DescribeTimeToLive", "dynamodb:ListTagsOfResource", "dynamodb:TagResource", "dynamodb:UntagResource", "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateTable", "dynamodb:UpdateTimeToLive"]
    resources = [local.tables]
  }
  statement {
    sid       = "ManageLogGroups"
    actions   = ["logs:*"]
    resources = concat(local.log_groups, [for g in local.log_groups : "${g}:*"])
  }
  statement {
    # modules/edge-firewall: the environment's web ACL and where it logs. The CloudWatch Logs delivery actions are
    # what WAF's logging configuration calls (they take no resource); delivery to another account is denied below.
    sid       = "ManageEdgeFirewall"
    actions   = ["wafv2:CreateWebACL", "wafv2:DeleteLoggingConfiguration", "wafv2:DeleteWebACL", "wafv2:GetLoggingConfiguration", "wafv2:GetWebACL", "wafv2:ListTagsForResource", "wafv2:PutLoggingConfiguration", "wafv2:TagResource", "wafv2:UntagResource", "wafv2:UpdateWebACL"]
    resources = [local.web_acls]
  }
  statement {
    sid       = "DeliverEdgeFirewallLogs"
    actions   = ["logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeResourcePolicies", "logs:PutResourcePolicy"]
    resources = ["*"]
  }
  statement {
    # A subscription filter, a destination or an export sends a log group's lines (users' ids, object keys) on,
    # possibly to another account; the stack uses none of them.
    sid       = "NoLogsLeavingTheAccount"
    effect    = "Deny"
    actions   = local.log_forwarding_actions
    resources = ["*"]
  }
  statement {
    # The analyzer that reports what CI could still open to another account: not deleted, not muted by an archive
    # rule or a finding marked archived, its rule and target not changed (applied by an administrator).
    sid       = "NeverMuteTheExternalAccessAnalyzer"
    effect    = "Deny"
    actions   = ["access-analyzer:ApplyArchiveRule", "access-analyzer:CreateArchiveRule", "access-analyzer:DeleteAnalyzer", "access-analyzer:DeleteArchiveRule", "access-analyzer:TagResource", "access-analyzer:UntagResource", "access-analyzer:UpdateArchiveRule", "access-analyzer:UpdateFindings", "events:DeleteRule", "events:DisableRule", "events:PutRule", "events:PutTargets", "events:RemoveTargets", "events:TagResource", "events:UntagResource"]
    resources = [local.analyzer, local.findings_rule]
  }
  statement {
    # The path the findings and alarms take to a person: its policy, subscriptions and filters stay as an
    # administrator applied them (a change to `[alerts]` is an administrator's apply).
    sid       = "NeverSilenceTheAlarmTopic"
    effect    = "Deny"
    actions   = ["sns:AddPermission", "sns:DeleteTopic", "sns:RemovePermission", "sns:SetSubscriptionAttributes", "sns:SetTopicAttributes", "sns:Unsubscribe"]
    resources = [local.alarm_topic, "${local.alarm_topic}:*"]
  }
  statement {
    # Account-wide S3 settings: Block Public Access stays as an administrator set it.
    sid       = "NeverChangeAccountPublicAccess"
    effect    = "Deny"
    actions   = ["s3:PutAccountPublicAccessBlock", "s3:DeleteAccountPublicAccessBlock"]
    resources = ["*"]
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
  # Another environment's or another team's distribution or API (one without this environment's project and
  # environment tags) cannot be changed, retagged or deleted. A missing tag counts as different.
  dynamic "statement" {
    for_each = local.owner_tags
    content {
      sid       = "NoOtherDistributionsBy${title(statement.key)}"
      effect    = "Deny"
      actions   = ["cloudfront:AssociateAlias", "cloudfront:CreateInvalidation", "cloudfront:DeleteDistribution", "cloudfront:TagResource", "cloudfront:UntagResource", "cloudfront:UpdateDistribution"]
      resources = ["arn:${local.partition}:cloudfront::${local.account}:distribution/*"]
      condition {
        test     = "StringNotEquals"
        variable = "aws:ResourceTag/${statement.key}"
        values   = [statement.value]
      }
    }
  }
  dynamic "statement" {
    for_each = local.owner_tags
    content {
      sid       = "NoOtherApisBy${title(statement.key)}"
      effect    = "Deny"
      actions   = ["apigateway:DELETE", "apigateway:PATCH", "apigateway:PUT"]
      resources = [local.api_itself]
      condition {
        test     = "StringNotEquals"
        variable = "aws:ResourceTag/${statement.key}"
        values   = [statement.value]
      }
    }
  }
  # Retagging an API would get around the denies above; tags are set when the API is created, from the provider.
  statement {
    sid       = "NoApiRetagging"
    effect    = "Deny"
    actions   = ["apigateway:DELETE", "apigateway:POST", "apigateway:PUT"]
    resources = ["arn:${local.partition}:apigateway:${local.region}::/tags/*"]
  }
  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []
    content {
      sid       = "ReadDatabaseNetwork"
      actions   = local.network_read_actions
      resources = ["*"]
    }
  }
  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []
    content {
      # The function's security groups and the SSM endpoint (modules/database-access), in the database's VPC.
      sid       = "ManageFunctionNetwork"
      actions   = concat(local.group_change_actions, ["ec2:CreateSecurityGroup", "ec2:CreateVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:ModifyVpcEndpoint"])
      resources = ["${local.ec2}:security-group/*", "${local.ec2}:security-group-rule/*", "${local.ec2}:vpc/*", "${local.ec2}:subnet/*", "${local.ec2}:vpc-endpoint/*"]
    }
  }
  # Groups and endpoints are created with this environment's tags (the provider's default tags), and only those
  # are changed or deleted: another team's security group or endpoint in the same VPC is out of reach.
  dynamic "statement" {
    for_each = local.in_vpc ? local.owner_tags : {}
    content {
      sid       = "CreateOnlyTaggedNetworkBy${title(statement.key)}"
      effect    = "Deny"
      actions   = ["ec2:CreateSecurityGroup", "ec2:CreateVpcEndpoint"]
      resources = ["${local.ec2}:security-group/*", "${local.ec2}:vpc-endpoint/*"]
      condition {
        test     = "StringNotEquals"
        variable = "aws:RequestTag/${statement.key}"
        values   = [statement.value]
      }
    }
  }
  dynamic "statement" {
    for_each = local.in_vpc ? local.owner_tags : {}
    content {
      sid           = "NoOtherSecurityGroupsBy${title(statement.key)}"
      effect        = "Deny"
      actions       = concat(local.group_change_actions, ["ec2:DeleteVpcEndpoints", "ec2:ModifyVpcEndpoint"])
      not_resources = [local.database_group_arn, "${local.ec2}:security-group-rule/*", "${local.ec2}:vpc/*", "${local.ec2}:subnet/*"]
      condition {
        test     = "StringNotEquals"
        variable = "aws:ResourceTag/${statement.key}"
        values   = [statement.value]
      }
    }
  }
  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []
    content {
      # The database's own group is not this stack's: it only gets (and loses) the one ingress rule from the function.
      sid       = "TheDatabasesGroupOnlyGetsIngress"
      effect    = "Deny"
      actions   = ["ec2:AuthorizeSecurityGroupEgress", "ec2:CreateTags", "ec2:DeleteSecurityGroup", "ec2:DeleteTags", "ec2:ModifySecurityGroupRules", "ec2:RevokeSecurityGroupEgress"]
      resources = [local.database_group_arn]
    }
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
  count                = var.apply_environment == null ? 0 : 1
  name                 = "${var.name_prefix}-github-apply"
  description          = "terraform apply from the ${coalesce(var.apply_environment, "-")} environment of ${var.repository}"
  assume_role_policy   = data.aws_iam_policy_document.trust["apply"].json
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "apply" {
  count  = var.apply_environment == null ? 0 : 1
  name   = "apply-environment"
  role   = aws_iam_role.apply[0].id
  policy = data.aws_iam_policy_document.apply.json
}
