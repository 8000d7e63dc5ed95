//! Issue 27, item 5: every region the generator accepts for a deployed stage has its Amazon RDS root CAs in the
//! bundle profile-api verifies the database with; the regions without them are refused by the config rules.
//! The bundle labels each certificate with its subject's common name (`tools/node/rds-ca-bundle.mjs`).

use generator::config::rules::REGIONS;
use pipeline_contract::database::RDS_CA_MISSING_REGIONS;
use profile_api::tls::RDS_CA_BUNDLE;

/// Whether the bundle holds a root CA of `region` ("# Amazon RDS eu-west-1 Root CA RSA2048 G1").
fn bundle_has_root_for(region: &str) -> bool {
    let label = format!("# Amazon RDS {region} Root CA");
    RDS_CA_BUNDLE.lines().any(|line| line.starts_with(&label))
}

#[test]
fn issue_27_the_contract_lists_exactly_the_regions_the_bundle_lacks() {
    let mut wrong = Vec::new();
    for region in REGIONS {
        let missing = RDS_CA_MISSING_REGIONS.contains(region);
        let bundled = bundle_has_root_for(region);
        if missing == bundled {
            wrong.push(format!(
                "{region}: listed in RDS_CA_MISSING_REGIONS = {missing}, a root in the bundle = {bundled}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    for region in RDS_CA_MISSING_REGIONS {
        assert!(
            REGIONS.contains(region),
            "{region} is not a region the generator knows"
        );
    }
    // The six the issue found without roots stay refused until the bundle has them.
    for region in [
        "ap-east-2",
        "ap-southeast-5",
        "ap-southeast-7",
        "ca-west-1",
        "il-central-1",
        "mx-central-1",
    ] {
        assert!(RDS_CA_MISSING_REGIONS.contains(&region), "{region}");
    }
}

#[test]
fn issue_27_a_deployed_stage_in_a_region_without_rds_roots_is_refused() {
    let dev = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../envs/dev/config.toml"),
    )
    .expect("envs/dev/config.toml is readable");
    let region_line = dev
        .lines()
        .find(|line| line.starts_with("region = "))
        .expect("dev names its region");
    for region in REGIONS {
        let text = dev.replacen(region_line, &format!("region = \"{region}\""), 1);
        let result = generator::config::parse("dev/config.toml", "dev", &text);
        let refused_for_roots = match &result {
            Ok(_) => false,
            Err(errors) => errors
                .issues
                .iter()
                .any(|i| i.code == generator::config::IssueCode::RdsCaRegion),
        };
        assert_eq!(
            refused_for_roots,
            RDS_CA_MISSING_REGIONS.contains(region),
            "{region}: {}",
            result.err().map(|e| e.to_string()).unwrap_or_default()
        );
    }
}
