//! The real [`AccountVerifier`]: STS GetCallerIdentity through `aws-sdk-sts`, with the SDK's usual credential
//! chain (environment, profile, SSO, instance role). `AWS_ENDPOINT_URL` points it at a local STS in tests.

use aws_config::{BehaviorVersion, Region};
use generator::account::AccountVerifier;

pub struct StsVerifier {
    pub region: String,
}

impl AccountVerifier for StsVerifier {
    fn caller_account_id(&self) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async {
            let config = aws_config::defaults(BehaviorVersion::latest())
                .region(Region::new(self.region.clone()))
                .load()
                .await;
            let identity = aws_sdk_sts::Client::new(&config)
                .get_caller_identity()
                .send()
                .await
                .map_err(|e| aws_sdk_sts::error::DisplayErrorContext(e).to_string())?;
            identity
                .account()
                .map(str::to_owned)
                .ok_or_else(|| "GetCallerIdentity returned no account".into())
        })
    }
}
