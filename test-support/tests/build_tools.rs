//! Issue 14: every system tool a build script runs is installed by the project's own set-up.
//!
//! A fresh machine of this project's kind has Rust, gcc, Python, Node, Terraform and the Postgres server binaries
//! (README, "What a new machine needs"); everything else the build calls must come from `make build-tools`
//! (`tools/system-tools.sh`, reading `tools/system-tools.tsv`). The green CI runs before this test only proved a
//! machine where someone had installed cmake by hand. This test cannot see a build script's commands, so it keeps
//! a reviewed list of every locked crate that builds native code: a new one fails here until someone states what
//! its build runs, and every command named must be in the set-up's table.

use std::collections::BTreeSet;

use test_support::{locked_packages, repo_root};

/// Crates whose build scripts drive a native build, with the commands they run besides the C compiler.
const NATIVE_BUILDS: &[(&str, &[&str], &str)] = &[
    (
        "turbojpeg-sys",
        &["cmake", "nasm"],
        "libjpeg-turbo with CMake; REQUIRE_SIMD needs nasm on x86-64",
    ),
    (
        "cmake",
        &["cmake"],
        "the helper crate runs the cmake binary for the crate that uses it",
    ),
    (
        "aws-lc-sys",
        &[],
        "the cc builder on Linux; CMake only for FIPS or AWS_LC_SYS_CMAKE_BUILDER=1",
    ),
    ("libwebp-sys", &[], "compiles the vendored libwebp with cc"),
    (
        "ring",
        &[],
        "compiles its C and pregenerated assembly with cc",
    ),
    ("psm", &[], "one assembly file, compiled with cc"),
    ("stacker", &[], "cc only, through psm"),
    ("iana-time-zone-haiku", &[], "Haiku only; nothing on Linux"),
];

/// Build helpers: a crate that depends on one of these runs a native build.
const BUILD_HELPERS: &[&str] = &[
    "cc",
    "cmake",
    "pkg-config",
    "bindgen",
    "nasm-rs",
    "autotools",
    "vcpkg",
];

/// Make targets that compile avatar-resize (turbojpeg-sys), directly or through local-cloud.
const COMPILING_TARGETS: &[&str] = &[
    "lint",
    "test",
    "test-rust",
    "demo",
    "demo-check",
    "token",
    "lambdas",
    "bench",
    "fuzz",
];

fn set_up_commands(group: &str) -> BTreeSet<String> {
    let path = repo_root().join("tools/system-tools.tsv");
    let table =
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    table
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            (fields.len() == 4 && fields[2] == group).then(|| fields[0].to_string())
        })
        .collect()
}

#[test]
fn issue_14_every_native_build_in_cargo_lock_is_reviewed() {
    let unreviewed: Vec<String> = locked_packages()
        .iter()
        .filter(|package| {
            package
                .dependency_names()
                .any(|name| BUILD_HELPERS.contains(&name))
        })
        .filter(|package| {
            !NATIVE_BUILDS
                .iter()
                .any(|(name, _, _)| *name == package.name)
        })
        .map(|package| format!("{} {}", package.name, package.version))
        .collect();
    assert!(
        unreviewed.is_empty(),
        "these crates run a native build that nobody has reviewed: {unreviewed:?}. Read each build script, add it \
         to NATIVE_BUILDS with the commands it runs, and add any new command to tools/system-tools.tsv"
    );
}

#[test]
fn issue_14_every_command_a_build_runs_is_installed_by_make_build_tools() {
    let installed = set_up_commands("build");
    let locked: BTreeSet<String> = locked_packages()
        .into_iter()
        .map(|package| package.name)
        .collect();
    let needed: BTreeSet<&str> = NATIVE_BUILDS
        .iter()
        .filter(|(name, _, _)| locked.contains(*name))
        .flat_map(|(_, commands, _)| commands.iter().copied())
        .collect();
    assert!(
        !needed.is_empty(),
        "turbojpeg-sys needs cmake and nasm: the list cannot be empty"
    );
    let missing: Vec<&&str> = needed
        .iter()
        .filter(|command| !installed.contains(**command))
        .collect();
    assert!(
        missing.is_empty(),
        "the build runs {missing:?}, which tools/system-tools.tsv (group build) does not install; it has {installed:?}"
    );
}

#[test]
fn issue_14_every_make_target_that_compiles_installs_the_build_tools_first() {
    let makefile = std::fs::read_to_string(repo_root().join("Makefile")).expect("Makefile");
    for target in COMPILING_TARGETS {
        let rule = makefile
            .lines()
            .find(|line| line.starts_with(&format!("{target}:")))
            .unwrap_or_else(|| panic!("the Makefile has no `{target}` target"));
        let prerequisites = rule.split("##").next().unwrap_or_default();
        assert!(
            prerequisites
                .split_whitespace()
                .any(|word| word == "build-tools"),
            "`make {target}` compiles turbojpeg-sys but does not depend on build-tools: {rule}"
        );
    }
    let test_rule = makefile
        .lines()
        .find(|line| line.starts_with("test:"))
        .unwrap_or_default();
    assert!(
        test_rule.contains("chromium"),
        "`make test` must install the browser: {test_rule}"
    );
    assert!(
        set_up_commands("browser").contains("chromium"),
        "tools/system-tools.tsv lost chromium"
    );
}

#[test]
fn issue_14_the_jpeg_build_refuses_to_lose_simd() {
    // Without nasm, libjpeg-turbo silently builds without SIMD (about 2x slower decodes) unless REQUIRE_SIMD is
    // on; turbojpeg's `require-simd` feature turns it on, so a machine without nasm fails the build instead
    // ("No CMAKE_ASM_NASM_COMPILER could be found", measured on a machine with cmake and without nasm).
    let manifest = repo_root().join("lambdas/avatar-resize/Cargo.toml");
    let manifest: toml::Table = std::fs::read_to_string(&manifest)
        .expect("avatar-resize manifest")
        .parse()
        .expect("avatar-resize manifest is TOML");
    let features = manifest["dependencies"]["turbojpeg"]["features"]
        .as_array()
        .expect("turbojpeg lists its features");
    assert!(
        features
            .iter()
            .any(|feature| feature.as_str() == Some("require-simd")),
        "turbojpeg must keep the require-simd feature: {features:?}"
    );
}
