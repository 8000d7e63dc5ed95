//! The local development issuer: signs RS256 tokens the way Cognito would for the local environment's issuer and
//! audience, and verifies them the way API Gateway's JWT authorizer does (signature, `iss`, `aud`, `exp`, `nbf`).
//!
//! Its key pair lives in `envs/local/dev-issuer/`. It is a development key, committed on purpose: it is trusted
//! only by this local stack, whose issuer (`*.invalid`) no real environment accepts.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{json, Value};

/// `kid` of the one local signing key.
pub const KEY_ID: &str = "avatar-pipeline-local-1";

pub struct DevIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
    audience: Vec<String>,
}

impl DevIssuer {
    pub fn load(repo_root: &Path, config: &generator::config::Config) -> anyhow::Result<Self> {
        let folder = repo_root.join(crate::LOCAL_ENV).join("dev-issuer");
        let read = |name: &str| {
            let path = folder.join(name);
            std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
        };
        Ok(Self {
            encoding: EncodingKey::from_rsa_pem(&read("private.pem")?)
                .context("dev-issuer/private.pem is not an RSA private key")?,
            decoding: DecodingKey::from_rsa_pem(&read("public.pem")?)
                .context("dev-issuer/public.pem is not an RSA public key")?,
            issuer: config.api.jwt_issuer.clone(),
            audience: config.api.jwt_audience.clone(),
        })
    }

    /// A token for `sub`, valid for `ttl`, shaped like a Cognito ID token (`aud` is the app client id).
    pub fn token(&self, sub: &str, ttl: Duration) -> anyhow::Result<String> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
        self.token_issued_at(sub, now, ttl)
    }

    /// [`Self::token`] as if issued at `now` (seconds since the epoch).
    pub fn token_issued_at(&self, sub: &str, now: u64, ttl: Duration) -> anyhow::Result<String> {
        let claims = json!({
            "iss": self.issuer,
            "aud": self.audience.first(),
            "sub": sub,
            "token_use": "id",
            "iat": now,
            "nbf": now,
            "exp": now + ttl.as_secs(),
        });
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(KEY_ID.to_owned());
        Ok(jsonwebtoken::encode(&header, &claims, &self.encoding)?)
    }

    /// The claims of a valid token, flattened to strings as API Gateway passes them to the function
    /// (`requestContext.authorizer.jwt.claims`). `None` for anything API Gateway would answer 401.
    pub fn verify(&self, token: &str) -> Option<BTreeMap<String, String>> {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&self.audience);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        let data =
            jsonwebtoken::decode::<BTreeMap<String, Value>>(token, &self.decoding, &validation)
                .inspect_err(|err| tracing::info!(%err, "token refused"))
                .ok()?;
        Some(
            data.claims
                .into_iter()
                .map(|(name, value)| (name, claim_string(value)))
                .collect(),
        )
    }
}

/// API Gateway's rendering of a claim: strings as they are, arrays as `[a b]`, other values as JSON.
fn claim_string(value: Value) -> String {
    match value {
        Value::String(text) => text,
        Value::Array(items) => {
            let items: Vec<String> = items.into_iter().map(claim_string).collect();
            format!("[{}]", items.join(" "))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn issuer() -> DevIssuer {
        let root = test_support::repo_root();
        DevIssuer::load(&root, &crate::local_config(&root).unwrap()).unwrap()
    }

    #[test]
    fn a_minted_token_verifies_with_its_claims() {
        let issuer = issuer();
        let token = issuer.token("user-1", Duration::from_secs(60)).unwrap();
        let claims = issuer.verify(&token).unwrap();
        assert_eq!(claims["sub"], "user-1");
        assert_eq!(claims["aud"], "avatar-pipeline-local");
    }

    #[test]
    fn tampered_expired_and_foreign_tokens_are_refused() {
        let issuer = issuer();
        let token = issuer.token("user-1", Duration::from_secs(60)).unwrap();
        let (head, rest) = token.split_once('.').unwrap();
        let (_, signature) = rest.split_once('.').unwrap();
        let forged_claims = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            r#"{"iss":"https://issuer.local.invalid","aud":"avatar-pipeline-local","sub":"admin","exp":9999999999}"#,
        );
        assert!(issuer
            .verify(&format!("{head}.{forged_claims}.{signature}"))
            .is_none());
        assert!(issuer.verify("not-a-token").is_none());

        // Expired an hour ago: beyond the 60 s of clock skew tolerated (jsonwebtoken's default leeway).
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let expired = issuer
            .token_issued_at("user-1", now - 7200, Duration::from_secs(3600))
            .unwrap();
        assert!(issuer.verify(&expired).is_none());

        let mut other = copy_of(&issuer);
        other.audience = vec!["someone-else".into()];
        let foreign = other.token("user-1", Duration::from_secs(60)).unwrap();
        assert!(issuer.verify(&foreign).is_none());
    }

    fn copy_of(issuer: &DevIssuer) -> DevIssuer {
        DevIssuer {
            encoding: issuer.encoding.clone(),
            decoding: issuer.decoding.clone(),
            issuer: issuer.issuer.clone(),
            audience: issuer.audience.clone(),
        }
    }
}
