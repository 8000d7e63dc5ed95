//! `versions.tf` (Terraform and provider constraints, backend), `providers.tf` (the AWS provider with
//! `allowed_account_ids` and default tags; emulator endpoints for the local stage) and `variables.tf`.

use hcl::{Block, Body};

use crate::config::{Backend, Config};
use crate::tf::{object, strings, template};

/// AWS services the local stage sends to the emulator.
const EMULATED_SERVICES: &[&str] = &[
    "apigatewayv2",
    "cloudfront",
    "cloudwatch",
    "cloudwatchlogs",
    "dynamodb",
    "iam",
    "lambda",
    "route53",
    "s3",
    "sns",
    "sqs",
    "ssm",
    "sts",
    "wafv2",
];

/// Alias of the provider for us-east-1, where CloudFront's web ACL (the edge firewall) must be created whatever the
/// environment's region.
pub(crate) const US_EAST_1: &str = "us_east_1";

pub fn versions(config: &Config) -> Body {
    let backend = match &config.backend {
        Backend::S3 {
            bucket,
            key,
            region,
        } => Block::builder("backend")
            .add_label("s3")
            .add_attribute(("bucket", bucket.clone()))
            .add_attribute(("key", key.clone()))
            .add_attribute(("region", region.clone()))
            .add_attribute(("encrypt", true))
            // S3-native state locking (Terraform >= 1.10); no DynamoDB table needed.
            .add_attribute(("use_lockfile", true))
            .build(),
        Backend::Local => Block::builder("backend")
            .add_label("local")
            .add_attribute(("path", "terraform.tfstate"))
            .build(),
    };
    let terraform = Block::builder("terraform")
        .add_attribute(("required_version", ">= 1.10"))
        .add_block(
            Block::builder("required_providers")
                .add_attribute((
                    "aws",
                    object([
                        ("source", "hashicorp/aws".into()),
                        ("version", "~> 5.100".into()),
                    ]),
                ))
                .build(),
        )
        .add_block(backend)
        .build();
    Body::builder().add_block(terraform).build()
}

pub fn providers(config: &Config) -> Body {
    Body::builder()
        .add_block(provider(config, None))
        .add_block(provider(config, Some(US_EAST_1)))
        .build()
}

/// `provider "aws"` for the environment's region, or with `alias` for us-east-1; both limited to the account and
/// tagging alike.
fn provider(config: &Config, alias: Option<&str>) -> Block {
    let env = &config.environment;
    let mut provider = Block::builder("provider").add_label("aws");
    provider = match alias {
        Some(alias) => provider
            .add_attribute(("alias", alias))
            .add_attribute(("region", "us-east-1")),
        None => provider.add_attribute(("region", env.region.clone())),
    };
    provider = provider.add_attribute(("allowed_account_ids", strings([env.account_id.clone()])));
    if config.emulator.is_some() {
        let endpoints =
            EMULATED_SERVICES
                .iter()
                .fold(Block::builder("endpoints"), |block, service| {
                    block.add_attribute((*service, crate::tf::reference("var.aws_endpoint")))
                });
        provider = provider
            .add_attribute(("s3_use_path_style", true))
            .add_attribute(("skip_credentials_validation", true))
            .add_attribute(("skip_metadata_api_check", true))
            .add_block(endpoints.build());
    }
    provider
        .add_block(
            Block::builder("default_tags")
                .add_attribute((
                    "tags",
                    object([
                        ("project", env.project.clone().into()),
                        ("environment", env.name.clone().into()),
                        ("managed-by", "avatar-pipeline-generator".into()),
                    ]),
                ))
                .build(),
        )
        .build()
}

pub fn variables(config: &Config) -> Body {
    let mut body = Body::builder().add_block(
        Block::builder("variable")
            .add_label("lambda_artifacts_dir")
            .add_attribute((
                "description",
                "Folder holding <function>/bootstrap.zip from `cargo lambda build --output-format zip`. Null means target/lambda of this repository.",
            ))
            .add_attribute(("type", crate::tf::reference("string")))
            .add_attribute(("default", hcl::Expression::Null))
            .build(),
    );
    if let Some(emulator) = &config.emulator {
        body = body.add_block(
            Block::builder("variable")
                .add_label("aws_endpoint")
                .add_attribute((
                    "description",
                    "URL of the local AWS emulator every service is sent to (the local stack passes the port it chose).",
                ))
                .add_attribute(("type", crate::tf::reference("string")))
                .add_attribute(("default", emulator.endpoint.clone()))
                .build(),
        );
    }
    body.add_block(
        Block::builder("locals")
            .add_attribute((
                "lambda_artifacts_dir",
                crate::tf::call(
                    "coalesce",
                    [
                        crate::tf::reference("var.lambda_artifacts_dir"),
                        template("${path.root}/../../target/lambda"),
                    ],
                ),
            ))
            .build(),
    )
    .build()
}
