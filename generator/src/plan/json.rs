//! The part of `terraform show -json <planfile>` the summary reads (Terraform's JSON output format, version 1.x).
//! Unknown fields are ignored: newer Terraform versions add fields without bumping the major format version.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
pub struct Plan {
    pub format_version: String,
    #[serde(default)]
    pub terraform_version: Option<String>,
    #[serde(default)]
    pub resource_changes: Vec<ResourceChange>,
    /// True when the plan stopped on an error; such a plan must not be summarised as if it were complete.
    #[serde(default)]
    pub errored: bool,
}

#[derive(Debug, Deserialize)]
pub struct ResourceChange {
    pub address: String,
    /// `module.cdn` (or `module.a.module.b`); absent for resources of the root module.
    #[serde(default)]
    pub module_address: Option<String>,
    /// `managed` or `data`.
    pub mode: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub change: Change,
    #[serde(default)]
    pub action_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Change {
    pub actions: Vec<String>,
    #[serde(default)]
    pub before: Value,
    #[serde(default)]
    pub after: Value,
    /// Mirrors `after`, `true` where the value is only known after apply.
    #[serde(default)]
    pub after_unknown: Value,
    /// Mirror `before`/`after`, `true` where the value is sensitive (or `true` for all of it).
    #[serde(default)]
    pub before_sensitive: Value,
    #[serde(default)]
    pub after_sensitive: Value,
    /// Attribute paths whose change forces the replacement.
    #[serde(default)]
    pub replace_paths: Vec<Vec<Value>>,
}

impl Plan {
    /// Parses the JSON and refuses formats this code was not written for.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let plan: Plan = serde_json::from_str(text)
            .map_err(|e| format!("not the output of `terraform show -json <planfile>`: {e}"))?;
        if !plan.format_version.starts_with("1.") {
            return Err(format!(
                "plan JSON format_version {} is not supported (expected 1.x)",
                plan.format_version
            ));
        }
        if plan.errored {
            return Err("the plan is marked `errored`: terraform plan failed part way, so it is not summarised".to_owned());
        }
        Ok(plan)
    }
}
