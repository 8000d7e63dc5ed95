//! The summary as Markdown for a pull-request comment, rendered with tera. Cells are built here so the template
//! stays about layout; values are quoted as code and `|` is escaped so no value can break the table.

use serde::Serialize;

use super::summary::{AttributeChange, Counts, Summary};
use crate::docs::DocsError;

const TEMPLATE: &str = include_str!("../templates/plan-summary.md.tera");

/// GitHub refuses comments over 65,536 characters; the plan text is cut to keep the comment under this.
pub const MAX_COMMENT_CHARS: usize = 60_000;

/// The first line of every summary: lets the workflow find and update its own comment for an environment.
pub fn marker(environment: &str) -> String {
    format!("<!-- avatar-pipeline plan-summary: {environment} -->")
}

#[derive(Serialize)]
struct View<'a> {
    marker: String,
    environment: &'a str,
    terraform_version: Option<&'a str>,
    counts: Counts,
    counts_total: usize,
    hazards: Vec<HazardView<'a>>,
    blocking: usize,
    modules: Vec<ModuleView<'a>>,
    plan_text: Option<String>,
    fence: String,
    truncated_lines: usize,
}

#[derive(Serialize)]
struct HazardView<'a> {
    action: &'static str,
    address: &'a str,
    loses: &'static str,
    forced_by: String,
    allowed: bool,
}

#[derive(Serialize)]
struct ModuleView<'a> {
    module: &'a str,
    rows: Vec<RowView<'a>>,
}

#[derive(Serialize)]
struct RowView<'a> {
    symbol: &'static str,
    action: &'static str,
    address: &'a str,
    attributes: String,
}

/// Renders the comment. `plan_text` is `terraform show -no-color <planfile>` (Terraform already masks sensitive
/// values there as `(sensitive value)`).
pub fn render(summary: &Summary, plan_text: Option<&str>) -> Result<String, DocsError> {
    let tera = crate::docs::engine("plan-summary.md", TEMPLATE)?;
    let mut view = View {
        marker: marker(&summary.environment),
        environment: &summary.environment,
        terraform_version: summary.terraform_version.as_deref(),
        counts: summary.counts,
        counts_total: summary.counts.total(),
        hazards: summary
            .hazards
            .iter()
            .map(|h| HazardView {
                action: h.action.as_str(),
                address: &h.address,
                loses: h.loses,
                forced_by: h
                    .forced_by
                    .iter()
                    .map(|f| code(f))
                    .collect::<Vec<_>>()
                    .join(", "),
                allowed: h.allowed,
            })
            .collect(),
        blocking: summary.blocking().count(),
        modules: summary
            .modules
            .iter()
            .map(|m| ModuleView {
                module: &m.module,
                rows: m
                    .resources
                    .iter()
                    .map(|r| RowView {
                        symbol: r.action.symbol(),
                        action: r.action.as_str(),
                        address: &r.address,
                        attributes: if r.attributes.is_empty() {
                            String::new()
                        } else {
                            r.attributes
                                .iter()
                                .map(attribute_cell)
                                .collect::<Vec<_>>()
                                .join("<br>")
                        },
                    })
                    .collect(),
            })
            .collect(),
        plan_text: None,
        fence: String::new(),
        truncated_lines: 0,
    };
    let without_plan = render_view(&tera, &view)?;
    if let Some(text) = plan_text {
        let budget = MAX_COMMENT_CHARS.saturating_sub(without_plan.chars().count() + 200);
        let (kept, cut) = fit(text.trim_end(), budget);
        view.fence = "`".repeat(longest_backtick_run(&kept).max(2) + 1);
        view.plan_text = Some(kept);
        view.truncated_lines = cut;
        return render_view(&tera, &view);
    }
    Ok(without_plan)
}

fn render_view(tera: &tera::Tera, view: &View) -> Result<String, DocsError> {
    let ctx =
        tera::Context::from_serialize(view).map_err(|e| DocsError::new("plan-summary.md", e))?;
    tera.render("plan-summary.md", &ctx)
        .map_err(|e| DocsError::new("plan-summary.md", e))
}

/// `name`, `name`: `old` → `new`, `name` (sensitive), with a replacement marker.
fn attribute_cell(a: &AttributeChange) -> String {
    let mut cell = code(&a.name);
    if a.sensitive {
        cell.push_str(" (sensitive)");
    } else if a.after_unknown {
        cell.push_str(": → (known after apply)");
    } else if let (Some(before), Some(after)) = (&a.before, &a.after) {
        cell.push_str(&format!(": {} → {}", code(before), code(after)));
    }
    if a.forces_replacement {
        cell.push_str(" **forces replacement**");
    }
    cell
}

/// Inline code that survives any content: a fence longer than the longest backtick run, `|` escaped for tables.
fn code(s: &str) -> String {
    let s = s.replace('|', "\\|").replace(['\n', '\r'], " ");
    let ticks = "`".repeat(longest_backtick_run(&s) + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{s}{pad}{ticks}")
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// The longest prefix of whole lines within `budget` characters, and how many lines were cut.
fn fit(text: &str, budget: usize) -> (String, usize) {
    let mut kept = String::new();
    let mut used = 0;
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let n = line.chars().count() + 1;
        if used + n > budget {
            return (kept, lines.len() - i);
        }
        kept.push_str(line);
        kept.push('\n');
        used += n;
    }
    kept.pop();
    (kept, 0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("x`y"), "``x`y``");
        assert_eq!(code("`x"), "`` `x ``");
    }

    #[test]
    fn long_plans_are_cut_on_line_boundaries() {
        let text = (0..100)
            .map(|i| format!("line {i}"))
            .collect::<Vec<_>>()
            .join("\n");
        let (kept, cut) = fit(&text, 30);
        assert!(kept.chars().count() <= 30);
        assert_eq!(kept.lines().count() + cut, 100);
        assert_eq!(fit("a\nb", 100), ("a\nb".to_owned(), 0));
    }
}
