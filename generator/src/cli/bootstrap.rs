//! `generator bootstrap --env NAME`: the environment's Terraform state bucket, before the first `make plan`
//! (the S3 backend needs it to exist). Idempotent: an existing bucket of this account is brought to the same
//! settings, and a rerun changes nothing. The credentials must be the environment's account (STS), and the bucket
//! must be owned by it (`ExpectedBucketOwner`), so a name taken by someone else is an error, never a write.
//!
//! The settings: versioning (a bad apply can be rolled back to the previous state), all four public-access blocks,
//! BucketOwnerEnforced, SSE-S3 by default, and a policy denying any request without TLS.

use std::path::PathBuf;

use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketVersioningStatus, CreateBucketConfiguration, ObjectOwnership,
    OwnershipControls, OwnershipControlsRule, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    VersioningConfiguration,
};
use generator::config::Backend;

use super::Failure;

/// Create (or bring up to date) the environment's Terraform state bucket: versioned, private, encrypted, TLS only.
#[derive(Debug, clap::Args)]
pub struct BootstrapArgs {
    #[arg(long, value_name = "NAME")]
    pub env: String,

    /// Folder that holds one folder per environment.
    #[arg(long, value_name = "DIR", default_value = "envs")]
    pub envs_dir: PathBuf,
}

fn runtime_error(what: &str) -> impl Fn(String) -> Failure + '_ {
    move |err| Failure::Runtime(format!("{what}: {err}"))
}

pub(super) fn run(args: &BootstrapArgs) -> Result<(), Failure> {
    let config = super::load_config(&args.envs_dir, &args.env)?;
    let Backend::S3 { bucket, region, .. } = &config.backend else {
        return Err(Failure::Runtime(format!(
            "environment `{}` keeps its state locally (no [backend]): nothing to bootstrap",
            args.env
        )));
    };
    super::verify_account(&config)?;
    let account = config.environment.account_id.clone();
    super::with_aws(region, |sdk| async move {
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .force_path_style(sdk.endpoint_url().is_some())
                .build(),
        );
        let show = |e: &dyn std::fmt::Debug| format!("{e:?}");
        let exists = s3
            .head_bucket()
            .bucket(bucket)
            .expected_bucket_owner(&account)
            .send()
            .await;
        match exists {
            Ok(_) => eprintln!("state bucket {bucket} exists in account {account}"),
            Err(err)
                if err
                    .raw_response()
                    .is_some_and(|r| r.status().as_u16() == 404) =>
            {
                let mut create = s3.create_bucket().bucket(bucket);
                // us-east-1 takes no location constraint; every other region needs its own.
                if region != "us-east-1" {
                    create = create.create_bucket_configuration(
                        CreateBucketConfiguration::builder()
                            .location_constraint(BucketLocationConstraint::from(region.as_str()))
                            .build(),
                    );
                }
                create
                    .send()
                    .await
                    .map_err(|e| runtime_error("creating the state bucket")(show(&e)))?;
                eprintln!("state bucket {bucket} created in {region}");
            }
            Err(err) => {
                return Err(Failure::Runtime(format!(
                    "state bucket {bucket} exists but not in account {account}, or cannot be read \
                     (HeadBucket: {}); choose another [backend] bucket",
                    aws_sdk_s3::error::DisplayErrorContext(&err)
                )))
            }
        }
        let owned = |op: &str| format!("{op} on {bucket}");
        s3.put_public_access_block()
            .bucket(bucket)
            .expected_bucket_owner(&account)
            .public_access_block_configuration(
                PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(true)
                    .block_public_policy(true)
                    .restrict_public_buckets(true)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| Failure::Runtime(format!("{}: {e:?}", owned("PutPublicAccessBlock"))))?;
        s3.put_bucket_ownership_controls()
            .bucket(bucket)
            .expected_bucket_owner(&account)
            .ownership_controls(
                OwnershipControls::builder()
                    .rules(
                        OwnershipControlsRule::builder()
                            .object_ownership(ObjectOwnership::BucketOwnerEnforced)
                            .build()
                            .map_err(|e| Failure::Runtime(e.to_string()))?,
                    )
                    .build()
                    .map_err(|e| Failure::Runtime(e.to_string()))?,
            )
            .send()
            .await
            .map_err(|e| {
                Failure::Runtime(format!("{}: {e:?}", owned("PutBucketOwnershipControls")))
            })?;
        s3.put_bucket_versioning()
            .bucket(bucket)
            .expected_bucket_owner(&account)
            .versioning_configuration(
                VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| Failure::Runtime(format!("{}: {e:?}", owned("PutBucketVersioning"))))?;
        s3.put_bucket_encryption()
            .bucket(bucket)
            .expected_bucket_owner(&account)
            .server_side_encryption_configuration(
                ServerSideEncryptionConfiguration::builder()
                    .rules(
                        ServerSideEncryptionRule::builder()
                            .apply_server_side_encryption_by_default(
                                ServerSideEncryptionByDefault::builder()
                                    .sse_algorithm(ServerSideEncryption::Aes256)
                                    .build()
                                    .map_err(|e| Failure::Runtime(e.to_string()))?,
                            )
                            .build(),
                    )
                    .build()
                    .map_err(|e| Failure::Runtime(e.to_string()))?,
            )
            .send()
            .await
            .map_err(|e| Failure::Runtime(format!("{}: {e:?}", owned("PutBucketEncryption"))))?;
        s3.put_bucket_policy()
            .bucket(bucket)
            .expected_bucket_owner(&account)
            .policy(tls_only_policy(bucket))
            .send()
            .await
            .map_err(|e| Failure::Runtime(format!("{}: {e:?}", owned("PutBucketPolicy"))))?;
        eprintln!(
            "state bucket {bucket}: versioned, public access blocked, owner enforced, SSE-S3, TLS only"
        );
        Ok(())
    })
}

/// Denies every request to the bucket that does not use TLS.
pub fn tls_only_policy(bucket: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
            "Condition": { "Bool": { "aws:SecureTransport": "false" } }
        }]
    })
    .to_string()
}
