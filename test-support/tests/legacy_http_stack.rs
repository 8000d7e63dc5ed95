//! Issue 14: the AWS SDK's legacy HTTP client (hyper 0.14, rustls 0.21, h2 0.3) stays out of Cargo.lock.
//!
//! The aws-sdk-* crates' default `rustls` feature compiles that client even though `BehaviorVersion::latest()`
//! never uses it, and it carries advisories with no patched release on its lines (h2 0.3: RUSTSEC-2026-0258;
//! rustls-webpki 0.101: RUSTSEC-2026-0098, -0099, -0104). The workspace turns the SDK's default features off
//! (root Cargo.toml, `[workspace.dependencies]`); a crate that asks for an SDK crate with its defaults brings it
//! back, and this test names it.

use test_support::locked_packages;

/// (crate, version prefix that is refused, why)
const REFUSED: &[(&str, &str, &str)] = &[
    (
        "h2",
        "0.3.",
        "HTTP/2 of the legacy client (RUSTSEC-2026-0258)",
    ),
    ("hyper", "0.14.", "the legacy client's HTTP stack"),
    ("rustls", "0.21.", "the legacy client's TLS"),
    ("rustls-webpki", "0.101.", "RUSTSEC-2026-0098, -0099, -0104"),
    ("hyper-rustls", "0.24.", "the legacy client's TLS connector"),
    (
        "http",
        "0.2.",
        "only the legacy client's types need http 0.2",
    ),
];

#[test]
fn issue_14_no_legacy_aws_http_stack_in_cargo_lock() {
    let packages = locked_packages();
    let found: Vec<String> = packages
        .iter()
        .filter_map(|package| {
            REFUSED
                .iter()
                .find(|(name, prefix, _)| {
                    package.name == *name && package.version.starts_with(prefix)
                })
                .map(|(_, _, why)| {
                    let users: Vec<&str> = packages
                        .iter()
                        .filter(|user| {
                            user.dependencies.iter().any(|entry| {
                                entry == &package.name
                                    || *entry == format!("{} {}", package.name, package.version)
                            })
                        })
                        .map(|user| user.name.as_str())
                        .collect();
                    format!(
                        "{} {} ({why}), required by {}",
                        package.name,
                        package.version,
                        users.join(", ")
                    )
                })
        })
        .collect();
    assert!(
        found.is_empty(),
        "Cargo.lock holds the legacy AWS HTTP stack again:\n  {}\nuse the SDK crates from [workspace.dependencies] \
         (default-features = false) instead of their defaults",
        found.join("\n  ")
    );
}

#[test]
fn the_current_http_stack_is_what_the_sdk_uses() {
    // The check above would pass on a tree with no HTTP client at all; the SDK must still have its current one.
    let packages = locked_packages();
    let client = packages
        .iter()
        .find(|package| package.name == "aws-smithy-http-client")
        .expect("aws-smithy-http-client is in Cargo.lock");
    for needed in ["hyper", "hyper-rustls", "rustls", "h2"] {
        assert!(
            client.dependency_names().any(|name| name == needed),
            "aws-smithy-http-client lost its {needed} dependency: {:?}",
            client.dependencies
        );
    }
    for (name, major) in [("hyper", "1."), ("rustls", "0.23."), ("h2", "0.4.")] {
        assert!(
            packages
                .iter()
                .any(|package| package.name == name && package.version.starts_with(major)),
            "{name} {major}x is not in Cargo.lock"
        );
    }
}
