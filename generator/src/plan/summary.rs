//! What a reviewer needs from a plan: how many resources each action touches, which attributes change (values only
//! where they are short and not sensitive), and every destroy or replace of a resource that holds data.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::json::{Plan, ResourceChange};

/// Resource types whose destruction loses something that `terraform apply` cannot bring back, with what is lost.
pub const STATEFUL_TYPES: &[(&str, &str)] = &[
    ("aws_s3_bucket", "its objects: originals, avatars"),
    (
        "aws_cloudfront_distribution",
        "its domain name, which every published avatar URL points at",
    ),
    ("aws_cloudwatch_log_group", "its logs"),
    ("aws_sqs_queue", "the failed events waiting in it"),
    ("aws_ssm_parameter", "its value (the database URL)"),
    ("aws_kms_key", "everything encrypted with it"),
    ("aws_secretsmanager_secret", "its value"),
    ("aws_db_instance", "the database"),
    ("aws_rds_cluster", "the database"),
    ("aws_rds_cluster_instance", "a database instance"),
    ("aws_dynamodb_table", "its items"),
];

/// A displayed value longer than this is summarised as "changed" (the full plan has it).
const MAX_VALUE_CHARS: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Replace,
    Destroy,
    /// Removed from the state without being destroyed (`removed { lifecycle { destroy = false } }`).
    Forget,
}

impl Action {
    /// `None` for no-op and read.
    fn of(actions: &[String]) -> Option<Self> {
        let has = |a: &str| actions.iter().any(|x| x == a);
        Some(if has("delete") && has("create") {
            Action::Replace
        } else if has("create") {
            Action::Create
        } else if has("update") {
            Action::Update
        } else if has("delete") {
            Action::Destroy
        } else if has("forget") {
            Action::Forget
        } else {
            return None;
        })
    }

    /// The symbol Terraform prints before such a change.
    pub fn symbol(self) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Update => "~",
            Action::Replace => "-/+",
            Action::Destroy => "-",
            Action::Forget => ".",
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub create: usize,
    pub update: usize,
    pub replace: usize,
    pub destroy: usize,
    pub forget: usize,
}

impl Counts {
    pub fn total(&self) -> usize {
        self.create + self.update + self.replace + self.destroy + self.forget
    }
}

/// One changed top-level attribute of a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttributeChange {
    pub name: String,
    /// Short JSON of the old and new value; `None` when sensitive, long, or not known yet.
    pub before: Option<String>,
    pub after: Option<String>,
    pub sensitive: bool,
    pub after_unknown: bool,
    pub forces_replacement: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceRow {
    /// Address inside its module (`aws_s3_bucket.this`).
    pub address: String,
    pub action: Action,
    /// Only for updates and replacements.
    pub attributes: Vec<AttributeChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModuleChanges {
    /// `module.cdn`, or `root` for the root module.
    pub module: String,
    pub resources: Vec<ResourceRow>,
}

/// A destroy or replace of a stateful resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hazard {
    pub address: String,
    pub resource_type: String,
    pub action: Action,
    /// What is lost (from [`STATEFUL_TYPES`]).
    pub loses: &'static str,
    /// Attributes whose change forces a replacement.
    pub forced_by: Vec<String>,
    /// Listed in the config's `plan_review.allow_destroy`.
    pub allowed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub environment: String,
    pub terraform_version: Option<String>,
    pub counts: Counts,
    pub modules: Vec<ModuleChanges>,
    pub hazards: Vec<Hazard>,
}

impl Summary {
    /// Summarises `plan` for `environment`; addresses in `allow_destroy` are reported but not blocking.
    pub fn new(environment: &str, plan: &Plan, allow_destroy: &[String]) -> Self {
        let mut counts = Counts::default();
        let mut modules: BTreeMap<String, Vec<ResourceRow>> = BTreeMap::new();
        let mut hazards = Vec::new();
        for rc in plan
            .resource_changes
            .iter()
            .filter(|rc| rc.mode == "managed")
        {
            let Some(action) = Action::of(&rc.change.actions) else {
                continue;
            };
            *match action {
                Action::Create => &mut counts.create,
                Action::Update => &mut counts.update,
                Action::Replace => &mut counts.replace,
                Action::Destroy => &mut counts.destroy,
                Action::Forget => &mut counts.forget,
            } += 1;
            let forced_by = forced_by(rc);
            if matches!(action, Action::Replace | Action::Destroy) {
                if let Some((_, loses)) =
                    STATEFUL_TYPES.iter().find(|(t, _)| *t == rc.resource_type)
                {
                    hazards.push(Hazard {
                        address: rc.address.clone(),
                        resource_type: rc.resource_type.clone(),
                        action,
                        loses,
                        forced_by: forced_by.clone(),
                        allowed: allow_destroy.contains(&rc.address),
                    });
                }
            }
            let module = rc
                .module_address
                .clone()
                .unwrap_or_else(|| "root".to_owned());
            let address = match &rc.module_address {
                Some(m) => rc
                    .address
                    .strip_prefix(&format!("{m}."))
                    .unwrap_or(&rc.address)
                    .to_owned(),
                None => rc.address.clone(),
            };
            let attributes = if matches!(action, Action::Update | Action::Replace) {
                changed_attributes(rc, &forced_by)
            } else {
                Vec::new()
            };
            modules.entry(module).or_default().push(ResourceRow {
                address,
                action,
                attributes,
            });
        }
        let modules = modules
            .into_iter()
            .map(|(module, mut resources)| {
                resources.sort_by(|a, b| a.address.cmp(&b.address));
                ModuleChanges { module, resources }
            })
            .collect();
        hazards.sort_by(|a, b| a.address.cmp(&b.address));
        Summary {
            environment: environment.to_owned(),
            terraform_version: plan.terraform_version.clone(),
            counts,
            modules,
            hazards,
        }
    }

    /// The destroys and replacements of stateful resources that the config does not allow.
    pub fn blocking(&self) -> impl Iterator<Item = &Hazard> {
        self.hazards.iter().filter(|h| !h.allowed)
    }
}

/// Top-level attribute names of the paths that force the replacement, sorted and unique.
fn forced_by(rc: &ResourceChange) -> Vec<String> {
    let mut names: Vec<String> = rc
        .change
        .replace_paths
        .iter()
        .filter_map(|path| path.first()?.as_str().map(str::to_owned))
        .collect();
    names.sort();
    names.dedup();
    names
}

fn changed_attributes(rc: &ResourceChange, forced_by: &[String]) -> Vec<AttributeChange> {
    let c = &rc.change;
    let empty = serde_json::Map::new();
    let before = c.before.as_object().unwrap_or(&empty);
    let after = c.after.as_object().unwrap_or(&empty);
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    if let Some(unknown) = c.after_unknown.as_object() {
        names.extend(unknown.keys());
    }
    names.sort();
    names.dedup();
    let all_sensitive =
        c.before_sensitive == Value::Bool(true) || c.after_sensitive == Value::Bool(true);
    names
        .into_iter()
        .filter_map(|name| {
            let old = before.get(name).unwrap_or(&Value::Null);
            let new = after.get(name).unwrap_or(&Value::Null);
            let after_unknown = c.after_unknown.get(name).is_some_and(any_true);
            if old == new && !after_unknown {
                return None;
            }
            let sensitive = all_sensitive
                || c.before_sensitive.get(name).is_some_and(any_true)
                || c.after_sensitive.get(name).is_some_and(any_true);
            let show = |v: &Value| (!sensitive).then(|| short_json(v)).flatten();
            Some(AttributeChange {
                name: name.clone(),
                before: show(old),
                after: if after_unknown { None } else { show(new) },
                sensitive,
                after_unknown,
                forces_replacement: forced_by.contains(name),
            })
        })
        .collect()
}

/// True if the value is `true` or contains `true` anywhere (the shape of `*_sensitive` and `after_unknown`).
fn any_true(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Array(items) => items.iter().any(any_true),
        Value::Object(map) => map.values().any(any_true),
        _ => false,
    }
}

fn short_json(v: &Value) -> Option<String> {
    let text = serde_json::to_string(v).ok()?;
    (text.chars().count() <= MAX_VALUE_CHARS).then_some(text)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn plan(json: &str) -> Plan {
        Plan::from_json(json).unwrap()
    }

    #[test]
    fn sensitive_values_are_never_kept_even_when_nested() {
        let p = plan(
            r#"{"format_version":"1.2","resource_changes":[{"address":"aws_ssm_parameter.db","mode":"managed",
            "type":"aws_ssm_parameter","change":{"actions":["update"],
            "before":{"value":"old-secret","tags":{"a":"1"},"nested":{"k":"n-old"}},
            "after":{"value":"new-secret","tags":{"a":"2"},"nested":{"k":"n-new"}},
            "after_unknown":{},"before_sensitive":{"value":true,"nested":{"k":true}},
            "after_sensitive":{"value":true,"nested":{"k":true}}}}]}"#,
        );
        let s = Summary::new("dev", &p, &[]);
        let text = format!("{s:?}");
        for secret in ["old-secret", "new-secret", "n-old", "n-new"] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        let attrs = &s.modules[0].resources[0].attributes;
        assert_eq!(attrs.len(), 3);
        assert!(attrs
            .iter()
            .find(|a| a.name == "tags")
            .unwrap()
            .before
            .is_some());
        assert!(attrs
            .iter()
            .filter(|a| a.name != "tags")
            .all(|a| a.sensitive));
        // A stateful replace is a hazard; an update is not.
        assert!(s.hazards.is_empty());
    }

    #[test]
    fn replace_of_a_bucket_is_a_hazard_unless_allowed() {
        let json = r#"{"format_version":"1.2","resource_changes":[{"address":"module.assets.aws_s3_bucket.this",
            "module_address":"module.assets","mode":"managed","type":"aws_s3_bucket",
            "change":{"actions":["delete","create"],"before":{"bucket":"a"},"after":{"bucket":"b"},
            "after_unknown":{"arn":true},"before_sensitive":{},"after_sensitive":{},"replace_paths":[["bucket"]]}}]}"#;
        let s = Summary::new("dev", &plan(json), &[]);
        assert_eq!(s.counts.replace, 1);
        assert_eq!(s.blocking().count(), 1);
        assert_eq!(s.hazards[0].forced_by, ["bucket"]);
        let row = &s.modules[0].resources[0];
        assert_eq!(row.address, "aws_s3_bucket.this");
        let bucket = row.attributes.iter().find(|a| a.name == "bucket").unwrap();
        assert!(bucket.forces_replacement);
        assert_eq!(bucket.after.as_deref(), Some("\"b\""));
        let allowed = Summary::new(
            "dev",
            &plan(json),
            &["module.assets.aws_s3_bucket.this".to_owned()],
        );
        assert_eq!(allowed.hazards.len(), 1);
        assert_eq!(allowed.blocking().count(), 0);
    }

    #[test]
    fn an_errored_plan_or_a_foreign_format_is_refused() {
        assert!(Plan::from_json(r#"{"format_version":"1.2","errored":true}"#).is_err());
        assert!(Plan::from_json(r#"{"format_version":"2.0"}"#).is_err());
        assert!(Plan::from_json("Terraform will perform the following actions").is_err());
    }
}
