//! Every module README's inputs/outputs tables match its variables.tf and outputs.tf (`make module-docs` writes
//! them), and a change to a variable makes the tables stale.

mod common;

use generator::module_docs::{readmes, BEGIN, END};

#[test]
fn every_module_readme_lists_its_current_inputs_and_outputs() {
    let modules = common::repo_root().join("modules");
    let all = readmes(&modules).unwrap_or_else(|e| panic!("{e}"));
    assert!(all.len() >= 8, "{} modules", all.len());
    let stale: Vec<String> = all
        .iter()
        .filter(|r| r.is_stale())
        .map(|r| r.path.display().to_string())
        .collect();
    assert!(
        stale.is_empty(),
        "stale inputs/outputs tables (run `make module-docs`): {stale:?}"
    );
    for readme in &all {
        assert!(
            readme.current.contains(BEGIN) && readme.current.contains(END),
            "{}",
            readme.path.display()
        );
    }
}

#[test]
fn a_new_variable_makes_the_tables_stale() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let module = dir.path().join("example");
    std::fs::create_dir(&module).unwrap_or_else(|e| panic!("{e}"));
    let write = |name: &str, text: &str| {
        std::fs::write(module.join(name), text).unwrap_or_else(|e| panic!("{e}"))
    };
    write(
        "variables.tf",
        "variable \"name\" {\n  description = \"The | name\"\n  type = string\n}\n",
    );
    write(
        "outputs.tf",
        "output \"arn\" {\n  description = \"ARN.\"\n  value = 1\n}\n",
    );
    write("README.md", "# example\n\nProse.\n");
    let first = readmes(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(first[0].is_stale(), "no tables yet");
    let expected = &first[0].expected;
    assert!(
        expected.starts_with("# example\n\nProse.\n\n<!-- BEGIN_TF_DOCS -->"),
        "{expected}"
    );
    assert!(
        expected.contains("| `name` | The \\| name | `string` | n/a | yes |"),
        "{expected}"
    );
    assert!(expected.contains("| `arn` | ARN. |"), "{expected}");
    write("README.md", expected);
    assert!(!readmes(dir.path()).unwrap_or_else(|e| panic!("{e}"))[0].is_stale());

    write(
        "variables.tf",
        "variable \"name\" {\n  type = string\n}\nvariable \"size\" {\n  type = number\n  default = 3\n}\n",
    );
    let again = readmes(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(again[0].is_stale());
    assert!(
        again[0]
            .expected
            .contains("| `size` |  | `number` | `3` | no |"),
        "{}",
        again[0].expected
    );
    assert!(
        again[0].expected.starts_with("# example\n\nProse.\n\n"),
        "the prose is kept"
    );
}
