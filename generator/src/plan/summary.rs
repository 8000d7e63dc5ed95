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

    /// The word for the action, as it is serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Destroy => "destroy",
            Action::Forget => "forget",
        }
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
                changed_attributes(rc, action, &forced_by)
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

/// The changed attribute paths of an update or replacement, down into nested blocks (`cors_rule[0].allowed_origins`)
/// so a reviewer sees which setting moved. For a replacement, attributes that are merely recomputed (unknown
/// after apply, not forcing the replacement) are left out: every computed attribute of a new object is unknown.
fn changed_attributes(
    rc: &ResourceChange,
    action: Action,
    forced_by: &[String],
) -> Vec<AttributeChange> {
    let c = &rc.change;
    let all_sensitive =
        c.before_sensitive == Value::Bool(true) || c.after_sensitive == Value::Bool(true);
    let mut found = Vec::new();
    let side = Side {
        before: &c.before,
        after: &c.after,
        unknown: &c.after_unknown,
        before_sensitive: &c.before_sensitive,
        after_sensitive: &c.after_sensitive,
    };
    diff(&side, String::new(), all_sensitive, 0, &mut found);
    found
        .into_iter()
        .map(|mut change| {
            let top = change.name.split(['.', '[']).next().unwrap_or("");
            change.forces_replacement = forced_by.iter().any(|f| f == top);
            change
        })
        .filter(|change| {
            action != Action::Replace || !change.after_unknown || change.forces_replacement
        })
        .collect()
}

/// The same position in the five mirrored trees of a change.
struct Side<'a> {
    before: &'a Value,
    after: &'a Value,
    unknown: &'a Value,
    before_sensitive: &'a Value,
    after_sensitive: &'a Value,
}

impl<'a> Side<'a> {
    fn child(&self, step: Step<'_>) -> Side<'a> {
        let get = |v: &'a Value| -> &'a Value {
            match step {
                Step::Key(k) => v.get(k),
                Step::Index(i) => v.get(i),
            }
            .unwrap_or(&Value::Null)
        };
        Side {
            before: get(self.before),
            after: get(self.after),
            unknown: get(self.unknown),
            before_sensitive: get(self.before_sensitive),
            after_sensitive: get(self.after_sensitive),
        }
    }
}

#[derive(Clone, Copy)]
enum Step<'k> {
    Key(&'k str),
    Index(usize),
}

/// Nested blocks deeper than this are reported as one changed attribute.
const MAX_DEPTH: usize = 4;

fn diff(
    side: &Side,
    path: String,
    sensitive_above: bool,
    depth: usize,
    out: &mut Vec<AttributeChange>,
) {
    let sensitive = sensitive_above
        || *side.before_sensitive == Value::Bool(true)
        || *side.after_sensitive == Value::Bool(true);
    let unknown = any_true(side.unknown);
    if !unknown && same(side.before, side.after) {
        return;
    }
    if depth < MAX_DEPTH {
        match (side.before, side.after) {
            (Value::Object(b), Value::Object(a)) => {
                let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
                if let Some(u) = side.unknown.as_object() {
                    keys.extend(u.keys());
                }
                keys.sort();
                keys.dedup();
                for key in keys {
                    let child = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    diff(
                        &side.child(Step::Key(key)),
                        child,
                        sensitive,
                        depth + 1,
                        out,
                    );
                }
                return;
            }
            (Value::Array(b), Value::Array(a))
                if b.len() == a.len() && a.iter().chain(b).all(Value::is_object) =>
            {
                for i in 0..a.len() {
                    diff(
                        &side.child(Step::Index(i)),
                        format!("{path}[{i}]"),
                        sensitive,
                        depth + 1,
                        out,
                    );
                }
                return;
            }
            _ => {}
        }
    }
    let sensitive = sensitive || any_true(side.before_sensitive) || any_true(side.after_sensitive);
    let show = |v: &Value| (!sensitive).then(|| short_json(v)).flatten();
    out.push(AttributeChange {
        name: path,
        before: show(side.before),
        after: if unknown { None } else { show(side.after) },
        sensitive,
        after_unknown: unknown,
        forces_replacement: false,
    });
}

/// Equal, counting null and an empty string, list or map as the same (the provider flips between them).
fn same(a: &Value, b: &Value) -> bool {
    let empty = |v: &Value| match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    };
    a == b || (empty(a) && empty(b))
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
        let names: Vec<&str> = attrs.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["nested.k", "tags.a", "value"]);
        assert_eq!(attrs[1].before.as_deref(), Some("\"1\""));
        assert!(attrs
            .iter()
            .filter(|a| a.name != "tags.a")
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
