mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/example"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/example"
    }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:123456789012:example-failures"
    }
  }
}

variables {
  function_name = "example"
  zip_path      = "tests/fixtures/bootstrap.zip"
}

run "defaults_are_safe" {
  command = apply

  assert {
    condition     = aws_lambda_function.this.runtime == "provided.al2023" && aws_lambda_function.this.handler == "bootstrap"
    error_message = "Rust functions run on provided.al2023 with handler bootstrap."
  }

  assert {
    condition     = tolist(aws_lambda_function.this.architectures) == tolist(["arm64"])
    error_message = "arm64 is the default architecture."
  }

  assert {
    condition     = aws_lambda_function_recursion_config.this[0].recursive_loop == "Terminate"
    error_message = "Recursive loops must be stopped."
  }

  assert {
    condition     = length(aws_sqs_queue.failures) == 0 && length(aws_lambda_function_event_invoke_config.this) == 0
    error_message = "No failure queue unless asked for."
  }

  assert {
    condition     = length(jsondecode(aws_iam_role_policy.this.policy).Statement) == 1
    error_message = "Without caller statements the role may only write its own logs."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "Logs have a retention."
  }
}

run "failure_destination" {
  command = apply

  variables {
    async_failure_queue    = true
    maximum_retry_attempts = 1
    policy_statements      = [{ Sid = "ReadOriginals", Action = ["s3:GetObject"], Resource = ["arn:aws:s3:::uploads/avatars/original/*"] }]
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.this[0].maximum_retry_attempts == 1
    error_message = "Retries come from the caller."
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.this[0].destination_config[0].on_failure[0].destination == aws_sqs_queue.failures[0].arn
    error_message = "Failed events must go to the module's queue."
  }

  assert {
    condition     = aws_sqs_queue.failures[0].sqs_managed_sse_enabled
    error_message = "The failure queue must be encrypted."
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Action] == [["logs:CreateLogStream", "logs:PutLogEvents"], "sqs:SendMessage", ["s3:GetObject"]]
    error_message = "The role holds logs, the queue and exactly the caller's statements."
  }
}

run "rejects_bad_memory_and_retention" {
  command = plan

  variables {
    memory_mb          = 64
    log_retention_days = 10
  }

  expect_failures = [var.memory_mb, var.log_retention_days]
}

run "vpc_is_opt_in_and_brings_its_network_permissions" {
  command = apply

  variables {
    vpc_subnet_ids         = ["subnet-0123456789abcdef0"]
    vpc_security_group_ids = ["sg-0123456789abcdef0"]
  }

  assert {
    condition     = one(aws_lambda_function.this.vpc_config[0].subnet_ids) == "subnet-0123456789abcdef0"
    error_message = "The function runs in the given subnets."
  }

  assert {
    condition     = length(aws_iam_role_policy_attachment.vpc_access) == 1
    error_message = "A function in a VPC needs to manage its network interfaces."
  }
}

run "statements_name_their_actions" {
  command = plan

  variables {
    policy_statements = [{ Sid = "Everything", Action = ["s3:*"], Resource = ["*"] }]
  }

  expect_failures = [var.policy_statements]
}

run "a_condition_is_kept_and_no_statement_gets_a_null_one" {
  command = apply

  variables {
    policy_statements = [
      { Sid = "Plain", Action = ["ssm:GetParameter"], Resource = ["arn:aws:ssm:us-east-1:123456789012:parameter/x"] },
      {
        Sid       = "ViaSsm"
        Action    = ["kms:Decrypt"]
        Resource  = ["arn:aws:kms:us-east-1:123456789012:key/k"]
        Condition = { StringEquals = { "kms:ViaService" = ["ssm.us-east-1.amazonaws.com"] } }
      },
    ]
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.this.policy).Statement : lookup(s, "Condition", "none")] == ["none", "none", { StringEquals = { "kms:ViaService" = ["ssm.us-east-1.amazonaws.com"] } }]
    error_message = "Only the statement with a Condition has one; IAM refuses a null Condition."
  }

  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Effect == "Allow"])
    error_message = "Every statement allows."
  }
}

run "vpc_needs_security_groups" {
  command = plan

  variables {
    vpc_subnet_ids = ["subnet-0123456789abcdef0"]
  }

  expect_failures = [var.vpc_security_group_ids]
}

# Issue 18 finding 6: the plan (and the PR comment made from it) must not print the environment's values.
run "environment_values_stay_out_of_plans" {
  command = plan

  variables {
    environment_variables = { ASSETS_BUCKET = "example-assets" }
  }

  assert {
    condition     = issensitive(aws_lambda_function.this.environment[0].variables)
    error_message = "The function's environment must be sensitive, so plans show (sensitive value)."
  }
}

# Issue 16 item 7: failures are never silent.
run "errors_and_the_failure_queue_raise_alarms" {
  command = apply

  variables {
    async_failure_queue = true
    alarm_topic_arns    = ["arn:aws:sns:us-east-1:123456789012:example-alarms"]
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.errors.metric_name == "Errors" && aws_cloudwatch_metric_alarm.errors.threshold == 1 && aws_cloudwatch_metric_alarm.errors.dimensions.FunctionName == "example"
    error_message = "One failed invocation raises the errors alarm."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.failure_queue[0].metric_name == "ApproximateNumberOfMessagesVisible" && aws_cloudwatch_metric_alarm.failure_queue[0].dimensions.QueueName == "example-failures"
    error_message = "One event in the failure queue raises the queue alarm."
  }

  assert {
    condition     = tolist(aws_cloudwatch_metric_alarm.failure_queue[0].alarm_actions) == tolist(["arn:aws:sns:us-east-1:123456789012:example-alarms"])
    error_message = "The alarms notify the given topic."
  }
}

run "a_log_alarm_is_a_metric_filter_and_an_alarm_on_the_topic" {
  command = apply

  variables {
    alarm_topic_arns = ["arn:aws:sns:us-east-1:123456789012:alarms"]
    log_alarms = [{
      name        = "quota-unavailable"
      pattern     = "\"upload quota unavailable\""
      description = "The per-user upload budget failed open."
    }]
  }

  assert {
    condition     = aws_cloudwatch_log_metric_filter.log_alarm["quota-unavailable"].pattern == "\"upload quota unavailable\"" && aws_cloudwatch_log_metric_filter.log_alarm["quota-unavailable"].log_group_name == "/aws/lambda/example"
    error_message = "The filter matches the line in the function's own log group."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.log_alarm["quota-unavailable"].threshold == 1 && tolist(aws_cloudwatch_metric_alarm.log_alarm["quota-unavailable"].alarm_actions) == tolist(["arn:aws:sns:us-east-1:123456789012:alarms"])
    error_message = "One matching line in 5 minutes notifies the alarm topic."
  }
}

run "a_log_alarm_name_is_checked" {
  command = plan

  variables {
    log_alarms = [{ name = "Not OK", pattern = "x", description = "x" }]
  }

  expect_failures = [var.log_alarms]
}
