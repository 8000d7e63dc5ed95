//! What the edge does to API requests before API Gateway sees them, as modules/edge-firewall's AWS WAF web ACL
//! does on the distribution: a budget per `Authorization` value and a larger one per client address, each
//! `api.requests_per_*_per_5_minutes` within a 5-minute window; over either the request is answered 429 here.
//!
//! Differences, on purpose: the count is exact and holds only admitted requests (AWS WAF counts approximately and
//! starts blocking a few seconds after the limit is passed), and every local client is one address (loopback), so
//! envs/local sets a per-address budget that the load test cannot reach.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use generator::config::Config;
use http::{header, HeaderMap, HeaderValue, StatusCode};

use crate::http::{reply, Reply};

/// The two gates a request passes before its handler: the edge's budgets, then the route's shared throttle.
pub struct Gates {
    pub edge: EdgeLimits,
    pub throttle: RouteThrottle,
}

impl Gates {
    pub fn from_config(config: &Config) -> Self {
        Self {
            edge: EdgeLimits::from_config(config),
            throttle: RouteThrottle::from_config(config),
        }
    }
}

/// The evaluation window the generator gives the web ACL.
pub const WINDOW: Duration = Duration::from_secs(300);

/// The body of the web ACL's 429 (`custom_response_body` "rate-limited" in modules/edge-firewall).
pub const RATE_LIMITED_BODY: &str =
    r#"{"error":"rate_limited","message":"too many requests from this user; retry later"}"#;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Token(String),
    Address(String),
}

pub struct EdgeLimits {
    per_user: usize,
    per_address: usize,
    /// Admission times within the window, per key.
    admitted: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

impl EdgeLimits {
    pub fn from_config(config: &Config) -> Self {
        Self::new(
            config.api.requests_per_user_per_5_minutes,
            config.api.requests_per_address_per_5_minutes,
        )
    }

    pub fn new(per_user: u32, per_address: u32) -> Self {
        Self {
            per_user: usize::try_from(per_user).unwrap_or(usize::MAX),
            per_address: usize::try_from(per_address).unwrap_or(usize::MAX),
            admitted: Mutex::new(HashMap::new()),
        }
    }

    /// `Err` with the edge's 429 when the request's token or address has spent its budget; otherwise the request
    /// is counted against both.
    pub fn admit(&self, headers: &HeaderMap, address: &str) -> Result<(), Box<Reply>> {
        let now = Instant::now();
        let mut keys = vec![(Key::Address(address.to_owned()), self.per_address)];
        if let Some(token) = headers
            .get(header::AUTHORIZATION)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        {
            keys.push((Key::Token(token), self.per_user));
        }
        let mut admitted = self
            .admitted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let over = keys.iter().any(|(key, limit)| {
            let times = admitted.entry(key.clone()).or_default();
            while times
                .front()
                .is_some_and(|t| now.duration_since(*t) >= WINDOW)
            {
                times.pop_front();
            }
            times.len() >= *limit
        });
        if over {
            tracing::info!(
                address,
                "edge: over the per-user or per-address budget (429)"
            );
            let mut response = reply(
                StatusCode::TOO_MANY_REQUESTS,
                "application/json",
                RATE_LIMITED_BODY,
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(WINDOW.as_secs()));
            return Err(Box::new(response));
        }
        for (key, _) in keys {
            admitted.entry(key).or_default().push_back(now);
        }
        Ok(())
    }
}

/// API Gateway's stage throttle (`default_route_settings`): one token bucket per route for every caller together,
/// `throttling_burst_limit` deep, refilled at `throttling_rate_limit` per second. Empty: 429 `Too Many Requests`.
pub struct RouteThrottle {
    burst: f64,
    rate: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RouteThrottle {
    pub fn from_config(config: &Config) -> Self {
        Self {
            burst: f64::from(config.api.throttling_burst_limit),
            rate: f64::from(config.api.throttling_rate_limit),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token of `route_key`'s bucket; false when there is none.
    pub fn admit(&self, route_key: &str) -> bool {
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (tokens, last) = buckets
            .entry(route_key.to_owned())
            .or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * self.rate).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn with_token(token: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(token).unwrap());
        headers
    }

    #[test]
    fn each_token_has_its_own_budget() {
        let edge = EdgeLimits::new(3, 100);
        for _ in 0..3 {
            assert!(edge.admit(&with_token("Bearer a"), "127.0.0.1").is_ok());
        }
        let refused = edge
            .admit(&with_token("Bearer a"), "127.0.0.1")
            .unwrap_err();
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(refused.headers()[header::RETRY_AFTER], "300");
        assert!(edge.admit(&with_token("Bearer b"), "127.0.0.1").is_ok());
    }

    #[test]
    fn an_address_spends_its_budget_whatever_the_tokens() {
        let edge = EdgeLimits::new(100, 3);
        for i in 0..3 {
            assert!(edge
                .admit(&with_token(&format!("junk{i}")), "10.0.0.1")
                .is_ok());
        }
        assert!(edge.admit(&HeaderMap::new(), "10.0.0.1").is_err());
        assert!(edge.admit(&HeaderMap::new(), "10.0.0.2").is_ok());
    }

    #[test]
    fn the_route_bucket_is_shared_and_refills() {
        let throttle = RouteThrottle {
            burst: 2.0,
            rate: 1000.0,
            buckets: Mutex::new(HashMap::new()),
        };
        assert!(throttle.admit("GET /x") && throttle.admit("GET /x"));
        // Refilled within a few milliseconds at 1000/s.
        std::thread::sleep(Duration::from_millis(5));
        assert!(throttle.admit("GET /x"));
        let empty = RouteThrottle {
            burst: 1.0,
            rate: 0.001,
            buckets: Mutex::new(HashMap::new()),
        };
        assert!(empty.admit("GET /y"));
        assert!(!empty.admit("GET /y"), "one bucket for every caller");
        assert!(empty.admit("GET /z"), "one bucket per route");
    }
}
