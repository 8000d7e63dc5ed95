//! Every bad config in fixtures/invalid is refused with a rendered error that names file:line:column, the
//! value found and what is allowed. The rendered text is pinned by snapshots; nothing may panic.

mod common;

use std::path::Path;

fn render(path: &Path) -> (generator::config::ConfigErrors, String) {
    let text = std::fs::read_to_string(path).expect("fixture is readable");
    let shown = common::display(path);
    let result = std::panic::catch_unwind(|| generator::config::parse(&shown, "dev", &text));
    let errors = match result {
        Ok(Ok(_)) => panic!("{shown} should be refused"),
        Ok(Err(e)) => e,
        Err(_) => panic!("{shown}: parsing panicked"),
    };
    let rendered = generator::config::diagnostic::render(&errors, false);
    (errors, rendered)
}

#[test]
fn every_invalid_fixture_is_refused_with_a_located_message() {
    insta::glob!("fixtures/invalid", "*.toml", |path| {
        let (errors, rendered) = render(path);
        assert!(!errors.issues.is_empty());
        for issue in &errors.issues {
            let (line, column) = errors.line_column(issue);
            let location = format!("{}:{line}:{column}", common::display(path));
            assert!(
                rendered.contains(&location),
                "rendered error does not name {location}:\n{rendered}"
            );
        }
        insta::assert_snapshot!(rendered);
    });
}

#[test]
fn several_problems_are_reported_in_one_run() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/invalid/several-problems-at-once.toml");
    let (errors, _) = render(&path);
    let codes: Vec<&str> = errors.issues.iter().map(|i| i.code.as_str()).collect();
    assert_eq!(errors.issues.len(), 8, "{codes:?}");
    for code in [
        "config::database_network",
        "config::not_allowed",
        "config::account_id",
        "config::bucket_name",
        "config::cors_origins",
        "config::cors_origin",
        "config::out_of_range",
        "config::log_retention_days",
    ] {
        assert!(codes.contains(&code), "missing {code} in {codes:?}");
    }
}

#[test]
fn unknown_key_lists_the_expected_keys() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/invalid/unknown-nested-key.toml");
    let (errors, rendered) = render(&path);
    assert_eq!(
        errors.issues[0].code,
        generator::config::IssueCode::UnknownKey
    );
    assert!(rendered.contains("max_bytes"), "{rendered}");
}
