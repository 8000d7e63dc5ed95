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

    /// A token for `sub`, valid for `ttl`, shaped like a Cognito access token (what the reference frontend
    /// sends): `client_id` is the app client, there is no `aud`, and `token_use` is `access`.
    pub fn token(&self, sub: &str, ttl: Duration) -> anyhow::Result<String> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
        self.token_issued_at(sub, now, ttl)
    }

    /// [`Self::token`] as if issued at `now` (seconds since the epoch).
    pub fn token_issued_at(&self, sub: &str, now: u64, ttl: Duration) -> anyhow::Result<String> {
        self.sign(json!({
            "iss": self.issuer,
            "client_id": self.audience.first(),
            "sub": sub,
            "username": sub,
            "token_use": "access",
            "scope": "aws.cognito.signin.user.admin",
            "iat": now,
            "nbf": now,
            "exp": now + ttl.as_secs(),
        }))
    }

    /// A Cognito-shaped ID token (`aud` is the app client, `token_use` is `id`): API Gateway lets it through,
    /// the functions refuse it (`pipeline_contract::claims`).
    pub fn id_token(&self, sub: &str, ttl: Duration) -> anyhow::Result<String> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
        self.sign(json!({
            "iss": self.issuer,
            "aud": self.audience.first(),
            "sub": sub,
            "token_use": "id",
            "iat": now,
            "nbf": now,
            "exp": now + ttl.as_secs(),
        }))
    }

    fn sign(&self, claims: Value) -> anyhow::Result<String> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(KEY_ID.to_owned());
        Ok(jsonwebtoken::encode(&header, &claims, &self.encoding)?)
    }

    /// The claims of a valid token, flattened to strings as API Gateway passes them to the function
    /// (`requestContext.authorizer.jwt.claims`). `None` for anything API Gateway would answer 401.
    pub fn verify(&self, token: &str) -> Option<BTreeMap<String, String>> {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        // As API Gateway's JWT authorizer: `aud` or, when there is none, `client_id` must be an audience.
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.validate_nbf = true;
        let data =
            jsonwebtoken::decode::<BTreeMap<String, Value>>(token, &self.decoding, &validation)
                .inspect_err(|err| tracing::info!(%err, "token refused"))
                .ok()?;
        let audience_ok = match data
            .claims
            .get("aud")
            .or_else(|| data.claims.get("client_id"))
        {
            Some(Value::String(one)) => self.audience.contains(one),
            Some(Value::Array(many)) => many.iter().any(|a| {
                a.as_str()
                    .is_some_and(|a| self.audience.iter().any(|x| x == a))
            }),
            _ => false,
        };
        if !audience_ok {
            tracing::info!("token refused: neither aud nor client_id is an audience");
            return None;
        }
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
        assert_eq!(claims["client_id"], "avatar-pipeline-local");
        assert_eq!(claims["token_use"], "access");
        assert!(!claims.contains_key("aud"));
        // An ID token passes the authorizer too (API Gateway checks `aud` the same way); the functions refuse it.
        let id = issuer.verify(&issuer.id_token("user-1", Duration::from_secs(60)).unwrap());
        assert_eq!(id.unwrap()["token_use"], "id");
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
        let foreign_id = other.id_token("user-1", Duration::from_secs(60)).unwrap();
        assert!(issuer.verify(&foreign_id).is_none());
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
