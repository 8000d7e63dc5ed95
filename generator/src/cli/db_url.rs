//! `generator db-url --env NAME`: writes profile-api's database URL into its SSM SecureString
//! (`[database] url_parameter`), read from stdin, so the password never passes through Terraform, its state or a
//! plan. `--check` only asks whether the parameter exists (DescribeParameters: metadata, never the value); `make
//! plan` runs it first, so a missing parameter stops the plan with the command to run instead of giving a function
//! that fails every request.
//!
//! Why not a Terraform resource with `ignore_changes`: the AWS provider refreshes an `aws_ssm_parameter` with
//! decryption, so the URL would land in state, and the read-only plan role that pull requests assume would need
//! permission to decrypt it.

use std::path::PathBuf;

use aws_sdk_ssm::types::{ParameterStringFilter, ParameterType};

use super::Failure;

/// Write (or, with --check, look for) the SSM SecureString that holds profile-api's postgres:// URL.
#[derive(Debug, clap::Args)]
pub struct DbUrlArgs {
    #[arg(long, value_name = "NAME")]
    pub env: String,

    /// Only check that the parameter exists (exit 1 naming it and the command to create it).
    #[arg(long)]
    pub check: bool,

    /// Folder that holds one folder per environment.
    #[arg(long, value_name = "DIR", default_value = "envs")]
    pub envs_dir: PathBuf,
}

pub(super) fn run(args: &DbUrlArgs) -> Result<(), Failure> {
    let config = super::load_config(&args.envs_dir, &args.env)?;
    super::verify_account(&config)?;
    let parameter = config.database.url_parameter.clone();
    let url = if args.check {
        None
    } else {
        // The function refuses a bad sslmode at its first request; refuse it here, before it is written.
        Some(super::database_url_from_stdin(&config, "the database URL")?)
    };
    let region = config.environment.region.clone();
    super::with_aws(&region, |sdk| async move {
        let ssm = aws_sdk_ssm::Client::new(&sdk);
        match url {
            None => {
                let filter = ParameterStringFilter::builder()
                    .key("Name")
                    .option("Equals")
                    .values(&parameter)
                    .build()
                    .map_err(|e| Failure::Runtime(e.to_string()))?;
                let found = ssm
                    .describe_parameters()
                    .parameter_filters(filter)
                    .send()
                    .await
                    .map_err(|e| {
                        Failure::Runtime(format!(
                            "looking for {parameter}: {}",
                            aws_sdk_ssm::error::DisplayErrorContext(e)
                        ))
                    })?;
                if found.parameters().is_empty() {
                    return Err(Failure::Runtime(format!(
                        "the database URL parameter {parameter} does not exist in {}: profile-api would fail \
                         every request; write it first with `make db-url ENV={}`",
                        config.environment.region, args.env
                    )));
                }
                eprintln!("{parameter} exists");
            }
            Some(url) => {
                let mut put = ssm
                    .put_parameter()
                    .name(&parameter)
                    .value(url)
                    .r#type(ParameterType::SecureString)
                    .overwrite(true);
                if let Some(key) = &config.database.kms_key_arn {
                    put = put.key_id(key);
                }
                let written = put.send().await.map_err(|e| {
                    Failure::Runtime(format!(
                        "writing {parameter}: {}",
                        aws_sdk_ssm::error::DisplayErrorContext(e)
                    ))
                })?;
                eprintln!(
                    "{parameter} written (version {}); profile-api reads it on its next cold start",
                    written.version()
                );
            }
        }
        Ok(())
    })
}
