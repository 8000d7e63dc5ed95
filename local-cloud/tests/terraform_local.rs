//! `envs/local` against the local cloud: apply, then a plan with no changes (no perpetual diff from emulator gaps),
//! then destroy, after which moto holds no bucket, function, API, distribution, role, log group or queue.
#![allow(clippy::unwrap_used)] // a failed step should stop the test where it happened

use std::collections::BTreeMap;
use std::process::Command;

use local_cloud::terraform::LocalRoot;

fn inventory(endpoint: &str) -> BTreeMap<String, u64> {
    let root = test_support::repo_root();
    let python = root.join(".venv/bin/python");
    assert!(
        python.is_file(),
        "this test needs the project venv (boto3 comes with moto): run `make setup`"
    );
    let output = Command::new(python)
        .arg(root.join("tools/moto_inventory.py"))
        .args(["--endpoint", endpoint])
        .output()
        .expect("tools/moto_inventory.py runs");
    assert!(
        output.status.success(),
        "moto_inventory.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("inventory is JSON")
}

#[test]
fn local_environment_applies_has_no_perpetual_diff_and_destroys_cleanly() {
    let moto = test_support::start_moto();
    let root = LocalRoot::prepare(&test_support::repo_root(), &moto.endpoint)
        .unwrap_or_else(|err| panic!("{err:#}"));

    root.apply().unwrap_or_else(|err| panic!("{err:#}"));
    let applied = inventory(&moto.endpoint);
    // An upload and a resize function per image kind (avatar and banner by default), plus the profile function;
    // each resizer has its failure queue.
    let kinds = local_cloud::local_config(&test_support::repo_root())
        .unwrap()
        .images
        .len() as u64;
    for (kind, expected) in [
        ("buckets", 2),
        ("functions", 2 * kinds + 1),
        ("http_apis", 1),
        ("distributions", 1),
        ("origin_access_controls", 1),
        ("queues", kinds),
    ] {
        assert_eq!(applied[kind], expected, "{kind} after apply: {applied:?}");
    }

    let (code, plan) = root
        .plan_exit_code()
        .unwrap_or_else(|err| panic!("{err:#}"));
    assert_eq!(
        code, 0,
        "a plan right after apply must show no changes:\n{plan}"
    );

    root.destroy().unwrap_or_else(|err| panic!("{err:#}"));
    let left = inventory(&moto.endpoint);
    assert!(
        left.values().all(|&count| count == 0),
        "destroy left resources behind: {left:?}"
    );
}
