//! Issue 15, item 1: the round trip of each function's settings. For every committed environment, every
//! `lambda-function` module in the generated root passes `SETTINGS = jsonencode(local.<x>_settings)`; the local's
//! value, evaluated with placeholder module outputs where Terraform would fill them in, parses into the very
//! contract struct the function's binary reads (chosen by the zip the module deploys) and passes its checks.
//! (Terraform's own `jsonencode` of the applied value is read the same way by the local cloud's tests.)

mod common;

use std::collections::BTreeMap;

use hcl::eval::{Context, Evaluate};
use hcl::{Body, Expression, Value};
use pipeline_contract::settings::{
    self, FunctionSettings, ProfileApiSettings, ResizerSettings, UploadUrlSettings,
};

/// What the referenced module outputs look like once applied.
fn module_outputs() -> Value {
    let outputs: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::from([
        (
            "cdn",
            BTreeMap::from([
                ("cloudfront_distribution_id", "E2EXAMPLE"),
                (
                    "cloudfront_base_url",
                    "https://d111111abcdef8.cloudfront.net",
                ),
            ]),
        ),
        (
            "upload_quota",
            BTreeMap::from([("table_name", "cruddur-env-upload-quota")]),
        ),
        (
            "http_api",
            BTreeMap::from([("apigatewayv2_api_id", "a1b2c3d4e5")]),
        ),
    ]);
    hcl::to_value(outputs).expect("placeholders are HCL values")
}

/// Every `locals` entry of the root's `functions.tf`, evaluated.
fn settings_locals(body: &Body) -> BTreeMap<String, serde_json::Value> {
    let mut context = Context::new();
    context.declare_var("module", module_outputs());
    let mut locals = BTreeMap::new();
    for block in body.blocks().filter(|b| b.identifier() == "locals") {
        for attribute in block.body().attributes() {
            let value = attribute.expr().evaluate(&context).unwrap_or_else(|err| {
                panic!(
                    "local.{} does not evaluate with the placeholder module outputs \
                     (add the output to module_outputs() if it is new): {err}",
                    attribute.key()
                )
            });
            let json = serde_json::to_value(&value).expect("an HCL value is JSON");
            locals.insert(attribute.key().to_owned(), json);
        }
    }
    locals
}

/// `local.<name>` from `jsonencode(local.<name>)`.
fn settings_local_of(expr: &Expression) -> Option<String> {
    let Expression::FuncCall(call) = expr else {
        return None;
    };
    if call.name.to_string() != "jsonencode" {
        return None;
    }
    let [Expression::Traversal(traversal)] = call.args.as_slice() else {
        return None;
    };
    let text = Expression::Traversal(traversal.clone()).to_string();
    text.strip_prefix("local.").map(str::to_owned)
}

fn attribute<'a>(block: &'a hcl::Block, key: &str) -> Option<&'a Expression> {
    block
        .body()
        .attributes()
        .find(|a| a.key() == key)
        .map(hcl::Attribute::expr)
}

#[track_caller]
fn check<T: FunctionSettings>(module: &str, json: &serde_json::Value) {
    if let Err(err) = settings::parse::<T>(&json.to_string()) {
        panic!(
            "module {module}: the generated settings are refused by its function: {err}\n{json:#}"
        );
    }
}

#[test]
fn every_functions_settings_parse_into_the_struct_it_reads() {
    for env in ["dev", "prod", "local"] {
        let path = common::repo_root()
            .join("envs")
            .join(env)
            .join("functions.tf");
        let text = std::fs::read_to_string(&path).expect("the generated root is committed");
        let body: Body = hcl::from_str(&text).expect("functions.tf is HCL");
        let locals = settings_locals(&body);

        let mut read = BTreeMap::<&str, usize>::new();
        for module in body.blocks().filter(|b| b.identifier() == "module") {
            let name = module.labels()[0].as_str();
            let is_function = attribute(module, "source")
                .is_some_and(|s| s.to_string().contains("modules/lambda-function"));
            if !is_function {
                continue;
            }
            let Some(Expression::Object(variables)) = attribute(module, "environment_variables")
            else {
                panic!("{env}: module {name} has no environment_variables object");
            };
            let settings = variables
                .iter()
                .find(|(key, _)| key.to_string() == settings::VARIABLE)
                .and_then(|(_, value)| settings_local_of(value))
                .unwrap_or_else(|| {
                    panic!("{env}: module {name} does not pass SETTINGS = jsonencode(local.…)")
                });
            let json = locals
                .get(&settings)
                .unwrap_or_else(|| panic!("{env}: local.{settings} is not defined"));
            // The zip names the binary, and so the struct it reads at cold start.
            let zip = attribute(module, "zip_path")
                .map(ToString::to_string)
                .unwrap_or_default();
            let binary = ["avatar-resize", "upload-url", "profile-api"]
                .into_iter()
                .find(|bin| zip.contains(&format!("/{bin}/bootstrap.zip")))
                .unwrap_or_else(|| panic!("{env}: module {name} deploys an unknown zip {zip}"));
            match binary {
                "avatar-resize" => check::<ResizerSettings>(name, json),
                "upload-url" => check::<UploadUrlSettings>(name, json),
                _ => check::<ProfileApiSettings>(name, json),
            }
            *read.entry(binary).or_default() += 1;
        }
        // Two kinds (avatar, banner) in every committed environment: a resizer and an upload function each.
        assert_eq!(
            read,
            BTreeMap::from([("avatar-resize", 2), ("profile-api", 1), ("upload-url", 2)]),
            "{env}: functions found"
        );
    }
}

#[test]
fn a_settings_field_the_function_does_not_know_is_refused() {
    let path = common::repo_root().join("envs/dev/functions.tf");
    let body: Body = hcl::from_str(&std::fs::read_to_string(path).expect("readable")).expect("HCL");
    let mut json = settings_locals(&body)
        .remove("profile_api_settings")
        .expect("dev has the profile function's settings");
    json["database_url"] = "postgres://leaked".into();
    let err = settings::parse::<ProfileApiSettings>(&json.to_string())
        .expect_err("an unknown field is refused");
    assert!(
        err.to_string().contains("unknown field `database_url`"),
        "{err}"
    );
}
