//! The inputs and outputs tables of each module's README, written from its `variables.tf` and `outputs.tf` (as
//! terraform-docs does, between `<!-- BEGIN_TF_DOCS -->` and `<!-- END_TF_DOCS -->`), so a README cannot describe
//! a variable that no longer exists. `generator module-docs` writes them; `--check` (and a test) fails on a stale
//! one. The prose above the markers is the module's own.

use std::path::{Path, PathBuf};

use hcl::{Block, Body, Expression};

pub const BEGIN: &str = "<!-- BEGIN_TF_DOCS -->";
pub const END: &str = "<!-- END_TF_DOCS -->";

/// One module's README, as it is and as it should be.
pub struct ModuleReadme {
    pub path: PathBuf,
    pub current: String,
    pub expected: String,
}

impl ModuleReadme {
    pub fn is_stale(&self) -> bool {
        self.current != self.expected
    }
}

/// Every `modules/<name>/README.md` with its tables brought up to date, in name order.
pub fn readmes(modules_dir: &Path) -> Result<Vec<ModuleReadme>, String> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(modules_dir)
        .map_err(|e| format!("{}: {e}", modules_dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("variables.tf").is_file())
        .collect();
    dirs.sort();
    dirs.iter().map(|dir| readme(dir)).collect()
}

fn readme(dir: &Path) -> Result<ModuleReadme, String> {
    let read = |name: &str| -> Result<String, String> {
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && name != "variables.tf" => {
                Ok(String::new())
            }
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    };
    let parse = |name: &str| -> Result<Body, String> {
        hcl::parse(&read(name)?).map_err(|e| format!("{}: {e}", dir.join(name).display()))
    };
    let tables = tables(&parse("variables.tf")?, &parse("outputs.tf")?);
    let path = dir.join("README.md");
    let current = read("README.md")?;
    let expected = match (current.find(BEGIN), current.find(END)) {
        (Some(begin), Some(end)) if begin < end => format!(
            "{}{BEGIN}\n{tables}{END}{}",
            &current[..begin],
            &current[end + END.len()..]
        ),
        _ => format!("{}\n\n{BEGIN}\n{tables}{END}\n", current.trim_end()),
    };
    Ok(ModuleReadme {
        path,
        current,
        expected,
    })
}

/// The two Markdown tables, in file order.
fn tables(variables: &Body, outputs: &Body) -> String {
    let mut text = String::from(
        "## Inputs\n\n| Name | Description | Type | Default | Required |\n|---|---|---|---|:---:|\n",
    );
    for block in named_blocks(variables, "variable") {
        let default = attribute(block.1, "default");
        text.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            block.0,
            description(block.1),
            attribute(block.1, "type").map_or("`any`".to_owned(), |e| code(&e)),
            default.as_ref().map_or("n/a".to_owned(), code),
            if default.is_some() { "no" } else { "yes" },
        ));
    }
    text.push_str("\n## Outputs\n\n| Name | Description |\n|---|---|\n");
    for block in named_blocks(outputs, "output") {
        text.push_str(&format!("| `{}` | {} |\n", block.0, description(block.1)));
    }
    text
}

fn named_blocks<'a>(body: &'a Body, kind: &'a str) -> impl Iterator<Item = (&'a str, &'a Block)> {
    body.blocks()
        .filter(move |b| b.identifier() == kind)
        .filter_map(|b| Some((b.labels().first()?.as_str(), b)))
}

fn attribute(block: &Block, key: &str) -> Option<Expression> {
    block
        .body()
        .attributes()
        .find(|a| a.key() == key)
        .map(|a| a.expr().clone())
}

fn description(block: &Block) -> String {
    match attribute(block, "description") {
        Some(Expression::String(s)) => cell(&s),
        Some(other) => code(&other),
        None => String::new(),
    }
}

/// An expression on one line, as inline code.
fn code(expr: &Expression) -> String {
    let text = hcl::format::to_string(expr).unwrap_or_else(|_| "…".to_owned());
    format!("`{}`", cell(&text))
}

/// Text that fits in a table cell: one line, `|` escaped.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}
