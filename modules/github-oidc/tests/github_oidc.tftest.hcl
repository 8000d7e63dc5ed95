mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_default_tags" {
    defaults = { tags = { project = "cruddur", environment = "dev", managed-by = "avatar-pipeline-generator" } }
  }
  # The documents' own JSON is built by the provider; the tests check the documents' arguments instead.
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
  }
}

variables {
  name_prefix       = "cruddur-dev"
  repository        = "cruddur/avatar-pipeline"
  state_bucket      = "cruddur-terraform-state-dev"
  state_key         = "avatar-pipeline/dev.tfstate"
  bucket_names      = ["cruddur-dev-avatar-uploads", "cruddur-dev-assets"]
  apply_environment = "dev"
  terraform_objects = ["cruddur-dev-assets/defaults/missing.png"]

  function_parameter_arns = ["arn:aws:ssm:us-east-1:123456789012:parameter/cruddur/dev/profile-database-url"]
  database_function_names = ["cruddur-dev-profile-api"]
}

run "roles_trust_only_this_repository_and_trigger" {
  command = apply

  assert {
    condition     = one([for c in data.aws_iam_policy_document.trust["plan"].statement[0].condition : c.values if c.variable == "token.actions.githubusercontent.com:sub"]) == tolist(["repo:cruddur/avatar-pipeline:pull_request"])
    error_message = "The plan role must trust pull_request workflows of this repository only."
  }

  assert {
    condition     = one([for c in data.aws_iam_policy_document.trust["apply"].statement[0].condition : c.values if c.variable == "token.actions.githubusercontent.com:sub"]) == tolist(["repo:cruddur/avatar-pipeline:environment:dev"])
    error_message = "The apply role must trust jobs of the dev GitHub environment only (its reviewers gate the apply), not a branch."
  }

  assert {
    condition     = alltrue([for s in values(data.aws_iam_policy_document.trust) : one([for c in s.statement[0].condition : c.values if c.variable == "token.actions.githubusercontent.com:aud"]) == tolist(["sts.amazonaws.com"])])
    error_message = "Both roles must require the STS audience."
  }

  assert {
    condition     = aws_iam_role.plan[0].name == "cruddur-dev-github-plan" && aws_iam_role.apply[0].name == "cruddur-dev-github-apply"
    error_message = "Role names follow <name_prefix>-github-<plan|apply>."
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 1
    error_message = "The provider is created by default."
  }
}

run "plan_role_never_writes" {
  command = apply

  assert {
    condition = alltrue(flatten([
      for s in data.aws_iam_policy_document.plan.statement : [
        for a in s.actions : can(regex("^[a-z0-9-]+:(Get|List|Describe|GET)", a))
      ]
    ]))
    error_message = "Every action of the plan role is a Get/List/Describe."
  }

  assert {
    condition     = !contains(flatten([for s in data.aws_iam_policy_document.plan.statement : s.resources]), "arn:aws:s3:::cruddur-dev-avatar-uploads/*")
    error_message = "The plan role must not read users' objects."
  }
}

run "apply_role_cannot_touch_the_ci_roles" {
  command = apply

  assert {
    condition     = one([for s in data.aws_iam_policy_document.apply.statement : s.effect if s.sid == "NeverChangeCiRoles"]) == "Deny"
    error_message = "The apply role must be denied changes to the GitHub roles."
  }

  assert {
    condition     = contains(one([for s in data.aws_iam_policy_document.apply.statement : s.actions if s.sid == "NeverChangeCiRoles"]), "iam:UpdateAssumeRolePolicy")
    error_message = "Trust policy changes of the CI roles must be denied."
  }
}

run "existing_provider_and_no_apply_role" {
  command = apply

  variables {
    create_oidc_provider = false
    apply_environment    = null
  }

  override_data {
    target = data.aws_iam_openid_connect_provider.github[0]
    values = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0 && length(aws_iam_role.apply) == 0
    error_message = "No provider is created when one exists, and no apply role without a branch."
  }
}

# Issue 18, finding 2: GitHub's immutable subjects for repositories created or renamed since 2026-07-15.
run "immutable_subjects_from_repository_ids" {
  command = apply

  variables {
    repository_ids = { owner = 123456, repository = 456789 }
  }

  assert {
    condition     = one([for c in data.aws_iam_policy_document.trust["plan"].statement[0].condition : c.values if c.variable == "token.actions.githubusercontent.com:sub"]) == tolist(["repo:cruddur@123456/avatar-pipeline@456789:pull_request"])
    error_message = "With repository ids the plan role trusts the immutable subject."
  }

  assert {
    condition     = one([for c in data.aws_iam_policy_document.trust["apply"].statement[0].condition : c.values if c.variable == "token.actions.githubusercontent.com:sub"]) == tolist(["repo:cruddur@123456/avatar-pipeline@456789:environment:dev"])
    error_message = "With repository ids the apply role trusts the immutable environment subject."
  }
}

run "apply_environment_refuses_wildcards" {
  command = plan

  variables {
    apply_environment = "prod*"
  }

  expect_failures = [var.apply_environment]
}

# Issue 18, finding 1: the apply role cannot make itself (or anything it creates) admin.
run "apply_role_is_bounded" {
  command = apply

  assert {
    condition     = one([for s in data.aws_iam_policy_document.apply.statement : one([for c in s.condition : c.values if c.variable == "iam:PermissionsBoundary"]) if s.sid == "ChangeFunctionRolesWithinTheBoundary"]) == tolist(["arn:aws:iam::123456789012:policy/cruddur-dev-function-boundary", "arn:aws:iam::123456789012:policy/cruddur-dev-database-function-boundary"])
    error_message = "Creating a role or changing its policies needs one of the two function boundaries on that role."
  }

  assert {
    condition     = toset(one([for s in data.aws_iam_policy_document.apply.statement : s.actions if s.sid == "ChangeFunctionRolesWithinTheBoundary"])) == toset(["iam:CreateRole", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"])
    error_message = "CreateRole, PutRolePolicy, DeleteRolePolicy and PutRolePermissionsBoundary are the boundary-conditioned actions."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.apply.statement : s.effect == "Deny" || length(setintersection(toset(s.actions), toset(["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary"]))) == 0 || contains([for c in s.condition : c.variable], "iam:PermissionsBoundary")
    ])
    error_message = "No allowed statement grants a role-policy action without the boundary condition."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.apply.statement : s.effect if s.sid == "NeverRemoveABoundary"]) == "Deny" && one([for s in data.aws_iam_policy_document.apply.statement : s.effect if s.sid == "NeverChangeTheBoundary"]) == "Deny"
    error_message = "Removing a boundary, or editing the boundary policy, is denied."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.apply.statement : !contains(s.actions, "iam:UpdateAssumeRolePolicy") || s.effect == "Deny" || s.resources == toset(["arn:aws:iam::123456789012:role/cruddur-dev/*"])
    ])
    error_message = "UpdateAssumeRolePolicy is allowed on the function roles (path /cruddur-dev/) only."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.apply.statement : alltrue([for r in s.resources : !startswith(r, "arn:aws:iam::123456789012:role/") || r == "arn:aws:iam::123456789012:role/cruddur-dev/*"]) if s.effect != "Deny"
    ])
    error_message = "Every allowed IAM role action is on the function role path, never on the CI roles or other roles."
  }

  assert {
    condition     = length(flatten([for s in data.aws_iam_policy_document.apply.statement : [for a in s.actions : a if s.effect != "Deny" && (a == "lambda:*" || a == "*" || a == "iam:*" || a == "lambda:InvokeFunction" || startswith(a, "lambda:CreateFunctionUrl") || startswith(a, "lambda:UpdateFunctionUrl"))]])) == 0
    error_message = "No lambda:* / iam:* / invoke / function URL actions are allowed."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.apply.statement : one([for c in s.condition : c.values if c.variable == "lambda:Principal"]) if s.sid == "OpenFunctionsToTheApiAndS3Only"]) == tolist(["apigateway.amazonaws.com", "s3.amazonaws.com"])
    error_message = "lambda:AddPermission only for the API Gateway and S3 principals."
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.apply.statement : s if s.effect != "Deny" && contains(s.actions, "lambda:AddPermission") && !contains([for c in s.condition : c.variable], "lambda:Principal")]) == 0
    error_message = "No other statement allows lambda:AddPermission."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.apply.statement : s.effect if s.sid == "NoFunctionUrls"]) == "Deny" && one([for s in data.aws_iam_policy_document.apply.statement : s.effect if s.sid == "NoFunctionUrlPermissions"]) == "Deny"
    error_message = "Function URLs and their permissions are denied outright."
  }

  assert {
    condition     = contains(one([for s in data.aws_iam_policy_document.apply.statement : s.actions if s.sid == "NeverChangeCiRoles"]), "iam:PassRole")
    error_message = "The CI roles can never be passed to a function."
  }

  assert {
    condition     = length(flatten([for s in data.aws_iam_policy_document.function_boundary.statement : [for a in s.actions : a if startswith(a, "iam:") || startswith(a, "sts:") || endswith(a, ":*") || a == "*"]])) == 0
    error_message = "The boundary grants no IAM, no STS and no wildcard actions."
  }

  assert {
    condition     = aws_iam_policy.function_boundary.name == "cruddur-dev-function-boundary" && output.function_role_path == "/cruddur-dev/"
    error_message = "The boundary and the role path are named after the environment."
  }
}

# Issue 18 finding 6: the apply role cannot change another environment's (or team's) distribution or API.
run "apply_role_keeps_to_its_own_cdn_and_api" {
  command = apply

  assert {
    condition = alltrue([
      for key, value in { project = "cruddur", environment = "dev" } : one([
        for s in data.aws_iam_policy_document.apply.statement : one([for c in s.condition : c.values if c.variable == "aws:ResourceTag/${key}" && c.test == "StringNotEquals"])
        if s.sid == "NoOtherDistributionsBy${title(key)}" && s.effect == "Deny" && contains(s.actions, "cloudfront:UpdateDistribution") && contains(s.actions, "cloudfront:DeleteDistribution")
      ]) == tolist([value])
    ])
    error_message = "Updating or deleting a distribution without this project's and environment's tags is denied."
  }

  # Issue 17 item 4: modules/cdn's format negotiation function, this environment's only.
  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.apply.statement : s.resources if s.sid == "ManageCdn"]) == toset(concat([for kind in ["distribution", "origin-access-control", "cache-policy", "response-headers-policy"] : "arn:aws:cloudfront::123456789012:${kind}/*"], ["arn:aws:cloudfront::123456789012:function/cruddur-dev-*"]))
      && length([for s in data.aws_iam_policy_document.plan.statement : s if s.sid == "ReadCdn" && contains(s.actions, "cloudfront:GetFunction") && contains(s.actions, "cloudfront:DescribeFunction") && contains(s.resources, "arn:aws:cloudfront::123456789012:function/cruddur-dev-*")]) == 1
    )
    error_message = "The apply role manages and the plan role reads this environment's CloudFront Functions only."
  }

  assert {
    condition = alltrue([
      for key, value in { project = "cruddur", environment = "dev" } : one([
        for s in data.aws_iam_policy_document.apply.statement : one([for c in s.condition : c.values if c.variable == "aws:ResourceTag/${key}"])
        if s.sid == "NoOtherApisBy${title(key)}" && s.effect == "Deny" && s.resources == toset(["arn:aws:apigateway:us-east-1::/apis/??????????"]) && contains(s.actions, "apigateway:DELETE") && contains(s.actions, "apigateway:PATCH")
      ]) == tolist([value])
    ])
    error_message = "Changing or deleting an HTTP API without this project's and environment's tags is denied."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.apply.statement : s.effect if s.sid == "NoApiRetagging"]) == "Deny"
    error_message = "API tags cannot be rewritten to get around the tag conditions."
  }
}

# Issue 18 finding 5: CI manages the upload-quota table's settings, never its items (users' ids and counts).
run "apply_role_manages_tables_not_items" {
  command = apply

  assert {
    condition     = one([for s in data.aws_iam_policy_document.apply.statement : s.resources if s.sid == "ManageTables"]) == toset(["arn:aws:dynamodb:us-east-1:123456789012:table/cruddur-dev-*"])
    error_message = "Only this environment's tables."
  }

  assert {
    condition = length(flatten([
      for s in data.aws_iam_policy_document.apply.statement : [
        for a in s.actions : a if s.effect != "Deny" && contains(["dynamodb:*", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"], a)
      ]
    ])) == 0
    error_message = "The apply role reads or writes no table items."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.function_boundary.statement : s.actions if s.sid == "CountUploadUrls"]) == toset(["dynamodb:UpdateItem"])
    error_message = "The boundary lets functions count uploads (UpdateItem) and nothing else on the tables."
  }
}

# Issue 27, item 2: with the profile function in the database's VPC, CI may manage the network this environment
# tags, and the database's own group only gets the ingress rule.
run "vpc_network_is_scoped_to_this_environment_and_the_databases_group" {
  command = apply

  variables {
    database_security_group_id = "sg-0c1d2e3f4a5b60738"
  }

  assert {
    condition     = contains(one([for s in data.aws_iam_policy_document.apply.statement : s.actions if s.sid == "ManageFunctionNetwork"]), "ec2:CreateSecurityGroup") && contains(one([for s in data.aws_iam_policy_document.plan.statement : s.actions if s.sid == "ReadDatabaseNetwork"]), "ec2:DescribeSecurityGroups")
    error_message = "The apply role creates the function's network; the plan role reads it."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.apply.statement : one([for c in s.condition : c.values if c.variable == "aws:ResourceTag/environment"]) if s.sid == "NoOtherSecurityGroupsByEnvironment"]) == tolist(["dev"])
    error_message = "Security groups and endpoints without this environment's tag are denied."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.apply.statement : s.resources if s.sid == "TheDatabasesGroupOnlyGetsIngress"]) == toset(["arn:aws:ec2:us-east-1:123456789012:security-group/sg-0c1d2e3f4a5b60738"]) && !contains(one([for s in data.aws_iam_policy_document.apply.statement : s.actions if s.sid == "TheDatabasesGroupOnlyGetsIngress"]), "ec2:AuthorizeSecurityGroupIngress")
    error_message = "The database's group may get ingress rules and nothing else."
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.apply.statement : s if s.sid == "CreateOnlyTaggedNetworkByProject"]) == 1
    error_message = "New groups and endpoints must carry this environment's tags."
  }
}

run "no_network_permissions_without_a_vpc" {
  command = apply

  assert {
    condition     = length([for s in data.aws_iam_policy_document.apply.statement : s if s.sid == "ManageFunctionNetwork"]) == 0 && length([for s in data.aws_iam_policy_document.plan.statement : s if s.sid == "ReadDatabaseNetwork"]) == 0
    error_message = "Without a VPC, CI gets no EC2 permissions."
  }
}

# Issue 28, item 5: what a compromised CI run can reach.
run "apply_role_sends_no_logs_out_and_reads_no_queue_messages" {
  command = apply

  assert {
    condition     = one([for s in data.aws_iam_policy_document.apply.statement : s.effect if s.sid == "NoLogsLeavingTheAccount"]) == "Deny" && contains(one([for s in data.aws_iam_policy_document.apply.statement : s.actions if s.sid == "NoLogsLeavingTheAccount"]), "logs:PutSubscriptionFilter") && one([for s in data.aws_iam_policy_document.apply.statement : s.resources if s.sid == "NoLogsLeavingTheAccount"]) == toset(["*"])
    error_message = "Subscription filters (and destinations, exports) are denied on every log group, so no log line is sent to another account."
  }

  assert {
    condition = length(flatten([
      for s in data.aws_iam_policy_document.apply.statement : [
        for a in s.actions : a if s.effect != "Deny" && (a == "sqs:*" || contains(["sqs:ReceiveMessage", "sqs:SendMessage", "sqs:DeleteMessage", "sqs:PurgeQueue", "sqs:ChangeMessageVisibility", "sqs:AddPermission", "sqs:RemovePermission"], a))
      ]
    ])) == 0
    error_message = "The apply role manages queues' settings only: no message action, no permission sharing a queue."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.apply.statement : s.resources if s.sid == "ManageQueues"]) == toset(["arn:aws:sqs:us-east-1:123456789012:cruddur-dev-*"])
    error_message = "Only this environment's queues."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.apply.statement : s.effect if s.sid == "NeverChangeAccountPublicAccess"]) == "Deny" && toset(one([for s in data.aws_iam_policy_document.apply.statement : s.actions if s.sid == "NeverChangeAccountPublicAccess"])) == toset(["s3:PutAccountPublicAccessBlock", "s3:DeleteAccountPublicAccessBlock"])
    error_message = "The account's S3 Block Public Access cannot be changed or removed by CI."
  }
}

run "plan_role_reads_the_log_alarm_filters" {
  command = apply

  assert {
    condition     = contains(one([for s in data.aws_iam_policy_document.plan.statement : s.actions if s.sid == "ReadLogGroups"]), "logs:DescribeMetricFilters") && contains(one([for s in data.aws_iam_policy_document.plan.statement : s.resources if s.sid == "ReadLogGroups"]), "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/cruddur-dev-*:*")
    error_message = "terraform plan refreshes the log alarms' metric filters."
  }
}

run "ci_reads_the_account_guardrails_and_cannot_mute_them" {
  command = apply

  assert {
    condition     = alltrue([for doc in [data.aws_iam_policy_document.plan, data.aws_iam_policy_document.apply] : contains(one([for s in doc.statement : s.actions if s.sid == "ReadAccountPublicAccess"]), "s3:GetAccountPublicAccessBlock") && contains(one([for s in doc.statement : s.actions if s.sid == "ReadExternalAccessAnalyzer"]), "access-analyzer:GetAnalyzer")])
    error_message = "Both roles refresh the guardrails (plan and apply read them)."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.apply.statement : s.effect if s.sid == "NeverMuteTheExternalAccessAnalyzer"]) == "Deny" && one([for s in data.aws_iam_policy_document.apply.statement : s.resources if s.sid == "NeverMuteTheExternalAccessAnalyzer"]) == toset(["arn:aws:access-analyzer:us-east-1:123456789012:analyzer/cruddur-dev-external-access", "arn:aws:events:us-east-1:123456789012:rule/cruddur-dev-external-access-findings"])
    error_message = "Deleting the analyzer, archiving its findings or changing the findings rule is denied."
  }

  assert {
    condition     = length(setintersection(toset(one([for s in data.aws_iam_policy_document.apply.statement : s.actions if s.sid == "NeverMuteTheExternalAccessAnalyzer"])), toset(["access-analyzer:DeleteAnalyzer", "access-analyzer:CreateArchiveRule", "access-analyzer:UpdateFindings", "events:RemoveTargets", "events:DisableRule"]))) == 5
    error_message = "Each way to silence the findings is in the deny."
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.apply.statement : s if s.effect != "Deny" && length([for a in s.actions : a if startswith(a, "access-analyzer:") && a != "access-analyzer:GetAnalyzer" && a != "access-analyzer:ListTagsForResource"]) > 0]) == 0
    error_message = "No statement allows changing Access Analyzer."
  }
}

run "ci_cannot_silence_the_alarm_topic" {
  command = apply

  assert {
    condition     = one([for s in data.aws_iam_policy_document.apply.statement : s.effect if s.sid == "NeverSilenceTheAlarmTopic"]) == "Deny" && one([for s in data.aws_iam_policy_document.apply.statement : s.resources if s.sid == "NeverSilenceTheAlarmTopic"]) == toset(["arn:aws:sns:us-east-1:123456789012:cruddur-dev-alarms", "arn:aws:sns:us-east-1:123456789012:cruddur-dev-alarms:*"])
    error_message = "The alarm topic and its subscriptions are out of CI's reach."
  }

  assert {
    condition     = length(setintersection(toset(one([for s in data.aws_iam_policy_document.apply.statement : s.actions if s.sid == "NeverSilenceTheAlarmTopic"])), toset(["sns:SetTopicAttributes", "sns:Unsubscribe", "sns:DeleteTopic", "sns:SetSubscriptionAttributes"]))) == 4
    error_message = "Rewriting the topic policy, unsubscribing, filtering or deleting the topic is denied."
  }
}

# Issue 28, item 5: a function that works on objects cannot read the database URL, and profile-api cannot read the
# buckets, whatever role CI makes for them.
run "each_function_role_gets_only_its_own_boundary" {
  command = apply

  assert {
    condition     = length(flatten([for s in data.aws_iam_policy_document.function_boundary.statement : [for a in s.actions : a if startswith(a, "ssm:") || startswith(a, "kms:") || startswith(a, "ec2:")]])) == 0
    error_message = "The objects boundary reads no parameter, decrypts nothing and has no network access."
  }

  assert {
    condition     = length(flatten([for s in data.aws_iam_policy_document.database_function_boundary.statement : [for a in s.actions : a if startswith(a, "s3:") || startswith(a, "dynamodb:") || startswith(a, "sqs:") || startswith(a, "cloudfront:") || startswith(a, "iam:") || startswith(a, "sts:")]])) == 0
    error_message = "The database boundary has no bucket, table, queue, CDN, IAM or STS action."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.database_function_boundary.statement : s.resources if s.sid == "ReadFunctionParameters"]) == toset(["arn:aws:ssm:us-east-1:123456789012:parameter/cruddur/dev/profile-database-url"])
    error_message = "The database boundary reads the database URL parameter and nothing else in SSM."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.apply.statement : s.effect if s.sid == "DatabaseBoundaryOnlyOnDatabaseFunctions"]) == "Deny"
      && one([for s in data.aws_iam_policy_document.apply.statement : s.not_resources if s.sid == "DatabaseBoundaryOnlyOnDatabaseFunctions"]) == toset(["arn:aws:iam::123456789012:role/cruddur-dev/cruddur-dev-profile-api"])
      && one([for s in data.aws_iam_policy_document.apply.statement : one([for c in s.condition : c.values if c.test == "StringEquals"]) if s.sid == "DatabaseBoundaryOnlyOnDatabaseFunctions"]) == tolist(["arn:aws:iam::123456789012:policy/cruddur-dev-database-function-boundary"])
    )
    error_message = "No role but profile-api's may carry the database boundary (so a resizer never reads the database URL)."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.apply.statement : s.effect if s.sid == "DatabaseFunctionsOnlyWithTheDatabaseBoundary"]) == "Deny"
      && one([for s in data.aws_iam_policy_document.apply.statement : s.resources if s.sid == "DatabaseFunctionsOnlyWithTheDatabaseBoundary"]) == toset(["arn:aws:iam::123456789012:role/cruddur-dev/cruddur-dev-profile-api"])
      && one([for s in data.aws_iam_policy_document.apply.statement : one([for c in s.condition : c.test if c.variable == "iam:PermissionsBoundary"]) if s.sid == "DatabaseFunctionsOnlyWithTheDatabaseBoundary"]) == "StringNotEquals"
    )
    error_message = "profile-api's role may carry the database boundary only (so it never reads the buckets)."
  }

  assert {
    condition     = aws_iam_policy.database_function_boundary.name == "cruddur-dev-database-function-boundary" && contains(one([for s in data.aws_iam_policy_document.apply.statement : s.resources if s.sid == "NeverChangeTheBoundary"]), "arn:aws:iam::123456789012:policy/cruddur-dev-database-function-boundary")
    error_message = "The database boundary is named after the environment and CI cannot edit it either."
  }
}

# Issue 28 item 2: the resizers are fed by SQS event source mappings; CI may create and change only mappings that
# feed this environment's functions, and a function's boundary lets it consume only this environment's queues.
run "event_source_mappings_feed_only_this_environments_functions" {
  command = apply

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.apply.statement : anytrue([
        for c in s.condition : c.test == "ArnLike" && c.variable == "lambda:FunctionArn" && toset(c.values) == toset(["arn:aws:lambda:us-east-1:123456789012:function:cruddur-dev-*"])
      ]) if length(setintersection(s.actions, ["lambda:CreateEventSourceMapping", "lambda:UpdateEventSourceMapping", "lambda:DeleteEventSourceMapping"])) > 0
    ]) && anytrue([for s in data.aws_iam_policy_document.apply.statement : contains(s.actions, "lambda:CreateEventSourceMapping")])
    error_message = "Creating, changing or deleting an event source mapping is allowed only for this environment's functions."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.function_boundary.statement : s.resources if s.sid == "ReceiveQueuedEvents"]) == toset(["arn:aws:sqs:us-east-1:123456789012:cruddur-dev-*"]) && one([for s in data.aws_iam_policy_document.function_boundary.statement : s.actions if s.sid == "ReceiveQueuedEvents"]) == toset(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"])
    error_message = "Functions may consume this environment's queues and no others."
  }
}

# Issue 28 item 3: CI manages the environment's own web ACL (in us-east-1, where CloudFront's live) and its log
# group, and nothing else of WAF; the plan role only reads them.
run "ci_manages_only_its_own_edge_firewall" {
  command = apply

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.apply.statement : s.effect == "Deny" || toset(s.resources) == toset(["arn:aws:wafv2:us-east-1:123456789012:global/webacl/cruddur-dev-*/*"])
      if length([for a in s.actions : a if startswith(a, "wafv2:")]) > 0
    ]) && anytrue([for s in data.aws_iam_policy_document.apply.statement : contains(s.actions, "wafv2:UpdateWebACL")])
    error_message = "Every WAF action of the apply role is on this environment's web ACLs only."
  }

  assert {
    condition     = contains(one([for s in data.aws_iam_policy_document.apply.statement : s.resources if s.sid == "ManageLogGroups"]), "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-cruddur-dev-*")
    error_message = "The apply role manages the web ACL's log group."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.plan.statement : alltrue([for a in s.actions : startswith(a, "wafv2:Get") || startswith(a, "wafv2:List")])
      if length([for a in s.actions : a if startswith(a, "wafv2:")]) > 0
    ])
    error_message = "The plan role only reads the web ACL."
  }
}

# Issue 17 item 5: Terraform writes the CDN's default image; CI may write exactly that object and read nothing else.
run "ci_writes_only_the_objects_terraform_owns" {
  command = apply

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.apply.statement : s.effect == "Deny" || alltrue([for r in s.resources : !startswith(r, "arn:aws:s3:::cruddur-dev-") || !strcontains(r, "/") || r == "arn:aws:s3:::cruddur-dev-assets/defaults/missing.png"])
      if length([for a in s.actions : a if contains(["s3:PutObject", "s3:GetObject", "s3:DeleteObject"], a)]) > 0
    ])
    error_message = "The apply role writes no object of the environment's buckets but the default image."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.apply.statement : s.resources if s.sid == "WriteTerraformObjects"]) == toset(["arn:aws:s3:::cruddur-dev-assets/defaults/missing.png"])
    error_message = "The apply role writes the default image."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.plan.statement : s.resources if s.sid == "ReadTerraformObjects"]) == toset(["arn:aws:s3:::cruddur-dev-assets/defaults/missing.png"])
    error_message = "The plan role reads (refreshes) the default image only."
  }
}

run "refuses_wildcard_objects" {
  command = plan

  variables {
    terraform_objects = ["cruddur-dev-assets/*"]
  }

  expect_failures = [var.terraform_objects]
}
