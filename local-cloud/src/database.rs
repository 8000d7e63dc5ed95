//! The profile database of the local stack: migrations applied as `profile-migrate migrate` would, the URL stored
//! as the SSM SecureString the profile function reads in AWS, and users registered as sign-up would.

use anyhow::Context;
use profile_api::migrations::Migrator;

/// As profile-api connects: the local Postgres is TLS-only, and its URL says verify-full against its own CA.
async fn connect(url: &str) -> anyhow::Result<tokio_postgres::Client> {
    profile_api::database::connect(url, profile_api::tls::TlsPolicy::Development)
        .await
        .context("connecting to the local Postgres")
}

pub async fn migrate(url: &str) -> anyhow::Result<()> {
    let mut client = connect(url).await?;
    let applied = Migrator::embedded()?.migrate(&mut client).await?;
    tracing::info!(?applied, "profile migrations applied");
    Ok(())
}

pub async fn store_url(
    ssm: &aws_sdk_ssm::Client,
    parameter: &str,
    url: &str,
) -> anyhow::Result<()> {
    ssm.put_parameter()
        .name(parameter)
        .value(url)
        .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
        .overwrite(true)
        .send()
        .await
        .map_err(|err| {
            anyhow::anyhow!(
                "storing {parameter} in SSM: {}",
                aws_sdk_ssm::error::DisplayErrorContext(err)
            )
        })?;
    Ok(())
}

pub async fn seed_user(
    url: &str,
    sub: &str,
    handle: &str,
    display_name: &str,
) -> anyhow::Result<()> {
    let client = connect(url).await?;
    client
        .execute(
            "INSERT INTO public.users (handle, display_name, cognito_user_id) VALUES ($1, $2, $3) \
             ON CONFLICT (cognito_user_id) DO NOTHING",
            &[&handle, &display_name, &sub],
        )
        .await?;
    Ok(())
}
