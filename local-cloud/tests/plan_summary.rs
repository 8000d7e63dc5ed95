//! `generator plan-summary` on real plans: `envs/local` planned against the local cloud for the three changes a
//! reviewer meets (create everything, an in-place CORS origin change, a bucket rename that replaces the bucket),
//! with a SecureString parameter in the root whose value changes, to prove sensitive values never reach the
//! comment. The Markdown is pinned by snapshots; the plans are kept in target/test-artifacts/plans/.
#![allow(clippy::unwrap_used)] // a failed step should stop the test where it happened

use generator::config::Config;
use generator::plan::{markdown, Action, Plan, Summary};
use local_cloud::terraform::LocalRoot;

const OLD_SECRET: &str = "probe-secret-before-7f3a";
const NEW_SECRET: &str = "probe-secret-after-91c2";

/// A resource with a sensitive attribute (the database URL the profile function reads is one, but it is put
/// outside Terraform; this stands in for it).
fn sensitive_probe(secret: &str) -> String {
    format!(
        r#"resource "aws_ssm_parameter" "plan_summary_probe" {{
  name  = "/cruddur/local/plan-summary-probe"
  type  = "SecureString"
  value = "{secret}"
}}
"#
    )
}

fn local_config(edit: impl Fn(String) -> String) -> Config {
    let path = test_support::repo_root().join("envs/local/config.toml");
    let text = edit(std::fs::read_to_string(&path).unwrap());
    generator::config::parse(&path.display().to_string(), "local", &text)
        .unwrap_or_else(|e| panic!("{}", generator::config::diagnostic::render(&e, false)))
}

/// Plans, keeps the plan as an artifact, and returns the summary and its Markdown.
fn review(root: &LocalRoot, case: &str, allow_destroy: &[String]) -> (Summary, String) {
    let (json, text) = root.saved_plan().unwrap_or_else(|e| panic!("{e:#}"));
    let dir = test_support::repo_root().join("target/test-artifacts/plans");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{case}.json")), &json).unwrap();
    std::fs::write(dir.join(format!("{case}.txt")), &text).unwrap();
    if case == "rename-assets-bucket" && std::env::var_os("UPDATE_PLAN_FIXTURES").is_some() {
        // The generator's CLI test (--fail-on-destroy exit code) reads this real plan, cut to what the summary
        // reads (the prior state and configuration make up most of the bytes).
        let mut plan: serde_json::Value = serde_json::from_str(&json).unwrap();
        let object = plan.as_object_mut().unwrap();
        object.retain(|k, _| {
            [
                "format_version",
                "terraform_version",
                "resource_changes",
                "errored",
            ]
            .contains(&k.as_str())
        });
        let fixture = test_support::repo_root().join("generator/tests/fixtures/plans");
        std::fs::create_dir_all(&fixture).unwrap();
        std::fs::write(fixture.join(format!("{case}.json")), plan.to_string()).unwrap();
    }

    let plan = Plan::from_json(&json).unwrap();
    let summary = Summary::new("local", &plan, allow_destroy);
    let markdown = markdown::render(&summary, Some(&text)).unwrap();
    for secret in [OLD_SECRET, NEW_SECRET] {
        assert!(json.contains(secret) || case == "create-everything" && secret == NEW_SECRET,
            "{case}: the probe's value should be in the raw plan JSON (else this test proves nothing)");
        assert!(
            !markdown.contains(secret),
            "{case}: a sensitive value reached the summary"
        );
    }
    (summary, markdown)
}

fn snapshot(name: &str, markdown: &str) {
    insta::with_settings!({
        filters => vec![
            // Values moto makes up on every run.
            (r"\b[A-Z0-9]{14}\b", "[ID]"),
            (r"Terraform v?\d+\.\d+\.\d+", "Terraform [VERSION]"),
        ],
        // The full plan (in <details>) holds ids and ARNs that change per run; it is checked by assertions.
        snapshot_suffix => "",
    }, {
        let head = markdown.split("<details>").next().unwrap();
        insta::assert_snapshot!(name, head);
    });
}

#[test]
fn summaries_of_real_plans_flag_what_a_reviewer_must_see() {
    let moto = test_support::start_moto();
    let root = LocalRoot::prepare(&test_support::repo_root(), &moto.endpoint)
        .unwrap_or_else(|err| panic!("{err:#}"));
    root.write_file("plan_summary_probe.tf", &sensitive_probe(OLD_SECRET))
        .unwrap();

    // 1. Create everything.
    let (created, markdown) = review(&root, "create-everything", &[]);
    assert!(created.counts.create >= 30, "{:?}", created.counts);
    assert_eq!(created.counts.total(), created.counts.create);
    assert!(created.hazards.is_empty());
    assert!(markdown.contains("<details><summary>Full plan"));
    assert!(
        markdown.contains("(sensitive value)"),
        "terraform's own masking is kept in the plan text"
    );
    snapshot("create_everything", &markdown);
    root.apply().unwrap_or_else(|err| panic!("{err:#}"));

    // 2. In place: one CORS origin changes, and the secret changes.
    root.regenerate(&local_config(|t| {
        t.replace("http://localhost:8080", "http://localhost:8081")
    }))
    .unwrap();
    root.write_file("plan_summary_probe.tf", &sensitive_probe(NEW_SECRET))
        .unwrap();
    let (updated, markdown) = review(&root, "cors-origin-change", &[]);
    assert_eq!(
        (
            updated.counts.create,
            updated.counts.replace,
            updated.counts.destroy
        ),
        (0, 0, 0),
        "{:?}",
        updated.counts
    );
    assert!(updated.counts.update >= 2, "{:?}", updated.counts);
    assert!(updated.hazards.is_empty());
    assert!(
        markdown.contains("http://localhost:8081"),
        "the new origin is shown:\n{markdown}"
    );
    assert!(
        markdown.contains("`value` (sensitive)"),
        "the secret's attribute is named, not shown:\n{markdown}"
    );
    snapshot("cors_origin_change", &markdown);

    // 3. Replace/destroy: the assets bucket is renamed.
    let renamed = local_config(|t| {
        t.replace("http://localhost:8080", "http://localhost:8081")
            .replace(
                "assets = \"cruddur-local-assets\"",
                "assets = \"cruddur-local-assets-v2\"",
            )
    });
    root.regenerate(&renamed).unwrap();
    let (replaced, markdown) = review(&root, "rename-assets-bucket", &[]);
    let bucket = "module.assets_bucket.aws_s3_bucket.this";
    let hazard = replaced
        .hazards
        .iter()
        .find(|h| h.address == bucket)
        .unwrap_or_else(|| panic!("{replaced:#?}"));
    assert_eq!(hazard.action, Action::Replace);
    assert_eq!(hazard.forced_by, ["bucket"]);
    assert!(
        replaced.blocking().any(|h| h.address == bucket),
        "not allowed by config: it blocks"
    );
    assert!(markdown.contains("> [!CAUTION]"), "{markdown}");
    snapshot("rename_assets_bucket", &markdown);
    // Allowed in the config: still shown, no longer blocking.
    let plan = Plan::from_json(
        &std::fs::read_to_string(
            test_support::repo_root().join("target/test-artifacts/plans/rename-assets-bucket.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let allowed = Summary::new("local", &plan, &[bucket.to_owned()]);
    assert!(allowed
        .hazards
        .iter()
        .any(|h| h.address == bucket && h.allowed));
    assert!(!allowed.blocking().any(|h| h.address == bucket));

    root.destroy().unwrap_or_else(|err| panic!("{err:#}"));
}
