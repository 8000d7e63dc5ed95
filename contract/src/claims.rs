//! Who the caller is, from the claims the HTTP API's JWT authorizer verified. Every function behind the API reads
//! the user this way, so they all refuse the same tokens.
//!
//! API Gateway checks the signature, `iss`, `exp`, `nbf` and that `aud` *or* `client_id` is one of the configured
//! audiences; it cannot check the token's kind. Cognito ID tokens carry `aud` = the app client and
//! `token_use = "id"`; access tokens (what the reference frontend sends) carry `client_id` and
//! `token_use = "access"`. An ID token is for the client to read, not a credential for the API, so a `token_use`
//! other than `access` is refused. Issuers that set no `token_use` (most non-Cognito ones) are not affected.

/// Why the claims do not identify a user (the answer is 401 either way; the reason goes to the log).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unauthorized {
    #[error("no sub claim")]
    NoSub,
    #[error("the sub claim is not 1..=128 characters of A-Z a-z 0-9 - _")]
    UnusableSub,
    #[error("token_use is {0:?}; only access tokens are accepted")]
    NotAnAccessToken(String),
}

/// The longest `sub` accepted (Cognito's are 36-character UUIDs).
pub const MAX_SUB_LEN: usize = 128;

/// The user's id: the `sub` claim, usable as one S3 key segment and as a database key.
pub fn verified_user<'c>(claim: impl Fn(&str) -> Option<&'c str>) -> Result<&'c str, Unauthorized> {
    if let Some(token_use) = claim("token_use") {
        if token_use != "access" {
            return Err(Unauthorized::NotAnAccessToken(token_use.to_owned()));
        }
    }
    let sub = claim("sub").ok_or(Unauthorized::NoSub)?;
    let usable = !sub.is_empty()
        && sub.len() <= MAX_SUB_LEN
        && sub
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    usable.then_some(sub).ok_or(Unauthorized::UnusableSub)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn check(pairs: &[(&str, &str)]) -> Result<String, Unauthorized> {
        let claims: HashMap<&str, &str> = pairs.iter().copied().collect();
        verified_user(|name| claims.get(name).copied()).map(str::to_owned)
    }

    #[test]
    fn an_access_token_or_a_token_without_token_use_names_the_user() {
        let sub = "3f0d6e2a-5b1c-4f8e-9a7d-2c4b6e8f0a1b";
        assert_eq!(
            check(&[("sub", sub), ("token_use", "access")]).as_deref(),
            Ok(sub)
        );
        assert_eq!(check(&[("sub", sub)]).as_deref(), Ok(sub));
    }

    #[test]
    fn id_tokens_and_unusable_subs_are_refused() {
        assert_eq!(
            check(&[("sub", "u1"), ("token_use", "id")]),
            Err(Unauthorized::NotAnAccessToken("id".to_owned()))
        );
        assert_eq!(check(&[]), Err(Unauthorized::NoSub));
        for bad in ["", "../other", "a/b", "a b", &"x".repeat(129)] {
            assert_eq!(
                check(&[("sub", bad)]),
                Err(Unauthorized::UnusableSub),
                "{bad:?}"
            );
        }
    }
}
