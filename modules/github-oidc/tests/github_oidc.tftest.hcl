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
  # The documents' own JSON is built by the provider; the tests check the documents' arguments instead.
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
  }
}

variables {
  name_prefix  = "cruddur-dev"
  repository   = "cruddur/avatar-pipeline"
  state_bucket = "cruddur-terraform-state-dev"
  state_key    = "avatar-pipeline/dev.tfstate"
  bucket_names = ["cruddur-dev-avatar-uploads", "cruddur-dev-assets"]
}

run "roles_trust_only_this_repository_and_trigger" {
  command = apply

  assert {
    condition     = one([for c in data.aws_iam_policy_document.trust["plan"].statement[0].condition : c.values if c.variable == "token.actions.githubusercontent.com:sub"]) == tolist(["repo:cruddur/avatar-pipeline:pull_request"])
    error_message = "The plan role must trust pull_request workflows of this repository only."
  }

  assert {
    condition     = one([for c in data.aws_iam_policy_document.trust["apply"].statement[0].condition : c.values if c.variable == "token.actions.githubusercontent.com:sub"]) == tolist(["repo:cruddur/avatar-pipeline:ref:refs/heads/main"])
    error_message = "The apply role must trust the main branch of this repository only."
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
        for a in s.actions : can(regex("^[a-z0-9]+:(Get|List|Describe|GET)", a))
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
    apply_branch         = null
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
