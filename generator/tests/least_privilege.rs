//! The upload-url function's role grants `s3:PutObject` on the originals prefix of the uploads bucket and
//! nothing else, and its route goes through the HTTP API (whose module puts every route behind the JWT
//! authorizer: `modules/http-api`, asserted by its `terraform test`). Checked on the HCL of every environment.

#![allow(clippy::unwrap_used)] // a failed step should stop the test where it happened

mod common;

use hcl::{Body, Expression, ObjectKey};

fn module<'a>(body: &'a Body, name: &str) -> &'a hcl::Block {
    body.blocks()
        .find(|b| {
            b.identifier() == "module" && b.labels().first().map(|l| l.as_str()) == Some(name)
        })
        .unwrap_or_else(|| panic!("module {name} not found"))
}

fn attribute<'a>(block: &'a hcl::Block, name: &str) -> &'a Expression {
    block
        .body()
        .attributes()
        .find(|a| a.key() == name)
        .map(|a| a.expr())
        .unwrap_or_else(|| panic!("{name}"))
}

fn field<'a>(object: &'a Expression, key: &str) -> Option<&'a Expression> {
    let Expression::Object(map) = object else {
        panic!("not an object: {object:?}")
    };
    map.iter()
        .find(|(k, _)| {
            matches!(k, ObjectKey::Identifier(id) if id.as_str() == key)
                || matches!(k, ObjectKey::Expression(Expression::String(s)) if s == key)
        })
        .map(|(_, v)| v)
}

/// The one element of a one-element list (the typed statements list every Action and Resource).
fn only(list: Option<&Expression>) -> Option<&Expression> {
    match list {
        Some(Expression::Array(items)) if items.len() == 1 => items.first(),
        Some(other) => panic!("not a one-element list: {other:?}"),
        None => None,
    }
}

fn generated(env: &str, file: &str) -> Body {
    let config = common::parse_ok(
        &common::repo_root().join(format!("envs/{env}/config.toml")),
        env,
    );
    let files = generator::output::generate(&config).expect("generates");
    let file = files
        .iter()
        .find(|f| f.name == file)
        .expect("file generated");
    hcl::parse(&file.contents).expect("generated HCL parses")
}

#[test]
fn issue_4_upload_url_may_only_put_originals() {
    for env in ["dev", "prod", "local"] {
        let functions = generated(env, "functions.tf");
        let Expression::Array(statements) =
            attribute(module(&functions, "upload_url"), "policy_statements")
        else {
            panic!("policy_statements is not a list");
        };
        // Presign originals, and (issue 18 finding 5) count the user's upload URLs in the quota table only.
        assert_eq!(statements.len(), 2, "{env}: {statements:?}");
        assert_eq!(
            only(field(&statements[1], "Action")),
            Some(&Expression::from("dynamodb:UpdateItem")),
            "{env}"
        );
        assert_eq!(
            only(field(&statements[1], "Resource")).map(ToString::to_string),
            Some("module.upload_quota.table_arn".to_owned()),
            "{env}"
        );
        let statement = &statements[0];
        assert_eq!(
            field(statement, "Effect"),
            None,
            "{env}: the module makes every caller statement an Allow"
        );
        assert_eq!(
            only(field(statement, "Action")),
            Some(&Expression::from("s3:PutObject")),
            "{env}"
        );
        let resource = only(field(statement, "Resource"))
            .expect("Resource")
            .to_string();
        assert!(
            resource.contains("module.uploads_bucket.s3_bucket_arn")
                && resource.ends_with("/avatars/original/*\""),
            "{env}: {resource}"
        );

        let api = generated(env, "api.tf");
        let routes = attribute(module(&api, "http_api"), "routes");
        let route = field(routes, "POST /avatars/key_upload")
            .unwrap_or_else(|| panic!("{env}: no upload route"));
        let target = field(route, "function_name")
            .expect("function_name")
            .to_string();
        assert_eq!(target, "module.upload_url.lambda_function_name", "{env}");
    }
}

#[test]
fn issue_6_profile_api_may_only_read_its_database_url() {
    for env in ["dev", "prod", "local"] {
        let config = common::parse_ok(
            &common::repo_root().join(format!("envs/{env}/config.toml")),
            env,
        );
        let functions = generated(env, "functions.tf");
        let profile = module(&functions, "profile_api");
        let Expression::Array(statements) = attribute(profile, "policy_statements") else {
            panic!("policy_statements is not a list");
        };
        assert_eq!(
            statements.len(),
            1,
            "{env}: no KMS key named, so only SSM: {statements:?}"
        );
        assert_eq!(
            only(field(&statements[0], "Action")),
            Some(&Expression::from("ssm:GetParameter"))
        );
        let expected = format!(
            "arn:aws:ssm:{}:{}:parameter{}",
            config.environment.region, config.environment.account_id, config.database.url_parameter
        );
        assert_eq!(
            only(field(&statements[0], "Resource")),
            Some(&Expression::from(expected.as_str())),
            "{env}: one parameter, never a wildcard"
        );
        // The function reads the same parameter name from its settings (SETTINGS = jsonencode(local.…)).
        let settings = functions
            .blocks()
            .filter(|b| b.identifier() == "locals")
            .flat_map(|b| b.body().attributes())
            .find(|a| a.key() == "profile_api_settings")
            .map(hcl::Attribute::expr)
            .unwrap_or_else(|| panic!("{env}: no profile_api_settings local"));
        assert_eq!(
            field(settings, "database_url_parameter"),
            Some(&Expression::from(config.database.url_parameter.as_str()))
        );
    }
}

#[test]
fn issue_6_a_kms_key_adds_decrypt_through_ssm_only_and_a_vpc_its_attributes() {
    let text = std::fs::read_to_string(common::repo_root().join("envs/dev/config.toml")).unwrap()
        + "\n[database]\nurl_parameter = \"/cruddur/dev/db\"\n\
           kms_key_arn = \"arn:aws:kms:us-east-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab\"\n\
           network = \"vpc\"\nsubnet_ids = [\"subnet-0123456789abcdef0\"]\nsecurity_group_id = \"sg-0123456789abcdef0\"\n";
    let config =
        generator::config::parse("dev/config.toml", "dev", &text).unwrap_or_else(|e| panic!("{e}"));
    let files = generator::output::generate(&config).expect("generates");
    let functions = files.iter().find(|f| f.name == "functions.tf").unwrap();
    let body = hcl::parse(&functions.contents).unwrap();
    let profile = module(&body, "profile_api");
    let Expression::Array(statements) = attribute(profile, "policy_statements") else {
        panic!("policy_statements is not a list");
    };
    let decrypt = &statements[1];
    assert_eq!(
        only(field(decrypt, "Action")),
        Some(&Expression::from("kms:Decrypt"))
    );
    let condition = field(decrypt, "Condition").expect("Condition").to_string();
    assert!(
        condition.contains("ssm.us-east-1.amazonaws.com"),
        "{condition}"
    );
    assert!(attribute(profile, "vpc_subnet_ids")
        .to_string()
        .contains("subnet-0123456789abcdef0"));
    // Issue 27, item 2: the function's own group (modules/database-access), never the database's.
    assert_eq!(
        attribute(profile, "vpc_security_group_ids").to_string(),
        "[\n  module.database_access.database_access_security_group_id\n]"
    );
    let access = module(&body, "database_access");
    assert_eq!(
        attribute(access, "database_security_group_id"),
        &Expression::from("sg-0123456789abcdef0"),
        "the ingress rule goes on the database's group"
    );
    assert_eq!(
        attribute(access, "ssm_access"),
        &Expression::from("endpoint")
    );
    assert_eq!(attribute(access, "database_port").to_string(), "5432");
}

/// Issue 27, item 2: without a VPC no network module is written; a production stage must say `network = "vpc"`.
#[test]
fn issue_27_the_database_network_is_chosen_in_config() {
    let dev = generated("dev", "functions.tf");
    assert!(
        dev.blocks()
            .all(|b| b.labels().first().map(|l| l.as_str()) != Some("database_access")),
        "dev (network = public) has no database_access module"
    );
    let prod = generated("prod", "functions.tf");
    let access = module(&prod, "database_access");
    assert_eq!(
        attribute(access, "ssm_access"),
        &Expression::from("endpoint")
    );

    let text = std::fs::read_to_string(common::repo_root().join("envs/prod/config.toml"))
        .unwrap()
        .replace("network = \"vpc\"", "network = \"public\"");
    let errors = generator::config::parse("prod/config.toml", "prod", &text).unwrap_err();
    let rendered = generator::config::diagnostic::render(&errors, false);
    assert!(
        rendered.contains("config::database_network")
            && rendered.contains("no fixed egress address"),
        "{rendered}"
    );
}

/// Issue 8: each image kind's two functions are scoped to that kind's prefixes, its route reaches its own
/// upload function, and its originals prefix triggers its own resizer only.
#[test]
fn issue_8_each_kind_is_scoped_to_its_own_prefixes() {
    let path = common::repo_root().join("generator/tests/fixtures/valid/three-kinds/config.toml");
    let config = common::parse_ok(&path, "three-kinds");
    let files = generator::output::generate(&config).expect("generates");
    let body = |name: &str| -> Body {
        hcl::parse(
            &files
                .iter()
                .find(|f| f.name == name)
                .expect("file")
                .contents,
        )
        .expect("parses")
    };
    let (functions, api, storage) = (body("functions.tf"), body("api.tf"), body("storage.tf"));
    let routes = attribute(module(&api, "http_api"), "routes");
    let targets = attribute(module(&storage, "image_triggers"), "targets");
    for kind in &config.images {
        let names = generator::topology::KindNames::of(&config, kind);
        let resources = |module_name: &str| -> Vec<String> {
            let Expression::Array(statements) =
                attribute(module(&functions, module_name), "policy_statements")
            else {
                panic!("policy_statements is not a list");
            };
            statements
                .iter()
                .map(|s| match field(s, "Resource") {
                    Some(Expression::Array(items)) if items.len() == 1 => items[0].to_string(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                })
                .collect()
        };
        let upload = resources(&names.upload_module);
        assert_eq!(upload.len(), 2, "{}: {upload:?}", kind.name);
        assert!(
            upload[0].ends_with(&format!("/{}*\"", kind.originals_prefix)),
            "{upload:?}"
        );
        let resize = resources(&names.resize_module);
        assert!(
            resize[0].ends_with(&format!("/{}*\"", kind.originals_prefix)),
            "{resize:?}"
        );
        assert!(
            resize[1].contains("assets_bucket")
                && resize[1].ends_with(&format!("/{}*\"", kind.output_prefix)),
            "{resize:?}"
        );
        // Issue 28 item 2: its own queue, and the per-user counters.
        assert_eq!(
            resize[2],
            format!("\"{}\"", names.resize_queue_arn(&config)),
            "{resize:?}"
        );
        assert!(resize[3].contains("upload_quota.table_arn"), "{resize:?}");
        // Issue 18 findings 5 and 6: the two buckets themselves (ListBucket), so a deleted original or a first
        // output answers 404 on AWS, not 403.
        assert_eq!(
            resize
                .last()
                .map(|r| r.split_whitespace().collect::<String>()),
            Some(
                "[module.uploads_bucket.s3_bucket_arn,module.assets_bucket.s3_bucket_arn]"
                    .to_owned()
            ),
            "{resize:?}"
        );
        for other in config.images.iter().filter(|o| o.name != kind.name) {
            for r in upload.iter().chain(&resize) {
                assert!(
                    !r.contains(&other.originals_prefix)
                        && !r.ends_with(&format!("/{}*\"", other.output_prefix)),
                    "{}: {r}",
                    kind.name
                );
            }
        }

        let route = field(routes, &format!("POST {}", kind.route)).expect("route");
        assert_eq!(
            field(route, "function_name")
                .expect("function_name")
                .to_string(),
            format!("module.{}.lambda_function_name", names.upload_module)
        );
        let target = field(targets, &kind.name).expect("trigger target");
        assert_eq!(
            field(target, "function_arn")
                .expect("function_arn")
                .to_string(),
            format!("module.{}.lambda_function_arn", names.resize_module)
        );
        assert_eq!(
            field(target, "filter_prefixes").expect("prefixes"),
            &Expression::Array(vec![Expression::from(kind.originals_prefix.as_str())])
        );
    }
}

/// Issue 8: a config that says nothing about kinds keeps the avatar's public contract and its function names.
#[test]
fn issue_8_defaults_keep_the_avatar_contract() {
    let path = common::repo_root().join("generator/tests/fixtures/valid/minimal/config.toml");
    let config = common::parse_ok(&path, "minimal");
    let names: Vec<&str> = config.images.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, ["avatar", "banner"]);
    let avatar = &config.images[0];
    assert_eq!(avatar.route, "/avatars/key_upload");
    assert_eq!(avatar.originals_prefix, "avatars/original/");
    assert_eq!(avatar.output_prefix, "avatars/");
    let main = avatar.main_output().expect("main output");
    assert_eq!(
        (
            main.width,
            main.height,
            main.format.extension(),
            main.quality,
            main.suffix.as_str()
        ),
        (512, 512, "jpg", 80, "")
    );
    let kind_names = generator::topology::KindNames::of(&config, avatar);
    assert_eq!(kind_names.upload_module, "upload_url");
    assert_eq!(kind_names.resize_module, "avatar_resize");
    assert!(
        kind_names.upload_function.ends_with("-upload-url")
            && !kind_names.upload_function.contains("avatar-upload")
    );
    let banner = &config.images[1];
    let main = banner.main_output().expect("main output");
    assert_eq!(
        (banner.route.as_str(), main.width, main.height),
        ("/banners/key_upload", 1500, 500)
    );
}

/// Issue 28, item 5: with CI, profile-api's role carries the database boundary (the URL parameter, no bucket) and
/// every other function's role the objects boundary (the buckets, no parameter), and github-oidc knows which role
/// may carry which.
#[test]
fn issue_28_each_function_role_carries_its_own_boundary() {
    for env in ["dev", "prod"] {
        let functions = generated(env, "functions.tf");
        let mut bounded = Vec::new();
        for block in functions
            .blocks()
            .filter(|b| b.identifier() == "module" && b.labels().len() == 1)
        {
            let name = block.labels()[0].as_str();
            let Some(boundary) = block
                .body()
                .attributes()
                .find(|a| a.key() == "permissions_boundary")
            else {
                continue;
            };
            let expected = if name == "profile_api" {
                "module.github_oidc.database_function_boundary_arn"
            } else {
                "module.github_oidc.function_boundary_arn"
            };
            assert_eq!(boundary.expr().to_string(), expected, "{env}: {name}");
            bounded.push(name);
        }
        assert!(
            bounded.contains(&"profile_api") && bounded.contains(&"avatar_resize"),
            "{env}: every function role is bounded with CI: {bounded:?}"
        );
        let ci = generated(env, "ci.tf");
        let names = attribute(module(&ci, "github_oidc"), "database_function_names");
        let function_name = attribute(module(&functions, "profile_api"), "function_name");
        assert_eq!(
            names,
            &Expression::Array(vec![function_name.clone()]),
            "{env}"
        );
    }
}

/// Issue 17: by default an upload costs no CloudFront invalidation (the stable URLs expire within a minute); the
/// resizers get neither the permission nor a distribution to invalidate. `cdn.invalidate_on_upload` brings both back.
#[test]
fn issue_17_no_invalidation_on_the_default_path() {
    for env in ["dev", "prod", "local"] {
        let config = common::parse_ok(
            &common::repo_root().join(format!("envs/{env}/config.toml")),
            env,
        );
        assert!(!config.cdn.invalidate_on_upload, "{env}");
        let functions = generator::output::generate(&config)
            .expect("generates")
            .into_iter()
            .find(|f| f.name == "functions.tf")
            .expect("functions.tf");
        assert!(
            !functions.contents.contains("cloudfront:CreateInvalidation")
                && !functions.contents.contains("cloudfront_distribution_id"),
            "{env}: {}",
            functions.contents
        );
        assert!(
            functions.contents.contains("max-age=60"),
            "{env}: the stable URLs' short lifetime"
        );
    }
    let fixture = common::parse_ok(
        &common::repo_root().join("generator/tests/fixtures/valid/one-kind/config.toml"),
        "one-kind",
    );
    let functions = generator::output::generate(&fixture).expect("generates");
    let functions = &functions
        .iter()
        .find(|f| f.name == "functions.tf")
        .expect("functions.tf")
        .contents;
    assert!(
        functions.contains("cloudfront:CreateInvalidation")
            && functions.contains("module.cdn.cloudfront_distribution_id"),
        "opted in: {functions}"
    );
}
