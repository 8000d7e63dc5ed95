//! `envs/local` applied to moto. Terraform runs in a scratch copy of the root (so no state or `.terraform` lands in
//! the repository), with `modules/` linked beside it so the root's `../../modules/...` sources resolve.
//!
//! moto stores functions but never runs them, so the root is given placeholder zips: the handlers run in-process
//! (see [`crate::api`] and [`crate::notifier`]) with the environment variables read back from this state.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{bail, Context};
use tempfile::TempDir;

/// A scratch copy of `envs/local` wired to one moto endpoint.
pub struct LocalRoot {
    _scratch: TempDir,
    root: PathBuf,
    artifacts: PathBuf,
    endpoint: String,
}

impl LocalRoot {
    /// Copies the root's `.tf` files and lock file, links `modules/`, writes one placeholder zip per function
    /// and runs `terraform init`.
    pub fn prepare(repo_root: &Path, endpoint: &str) -> anyhow::Result<Self> {
        let scratch = tempfile::Builder::new()
            .prefix("avatar-pipeline-local-")
            .tempdir()?;
        let root = scratch.path().join(crate::LOCAL_ENV);
        std::fs::create_dir_all(&root)?;
        let source = repo_root.join(crate::LOCAL_ENV);
        for entry in std::fs::read_dir(&source)? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.ends_with(".tf") || name == ".terraform.lock.hcl" {
                std::fs::copy(&path, root.join(name))?;
            }
        }
        std::os::unix::fs::symlink(repo_root.join("modules"), scratch.path().join("modules"))?;

        let artifacts = scratch.path().join("artifacts");
        for bin in [
            generator::topology::RESIZE_BIN,
            generator::topology::UPLOAD_URL_BIN,
            generator::topology::PROFILE_API_BIN,
        ] {
            placeholder_zip(&artifacts.join(bin))?;
        }

        let local = Self {
            _scratch: scratch,
            root,
            artifacts,
            endpoint: endpoint.to_owned(),
        };
        local.run(&["init", "-input=false", "-no-color"])?;
        Ok(local)
    }

    pub fn apply(&self) -> anyhow::Result<()> {
        self.run_with_vars(&["apply", "-auto-approve"])?;
        Ok(())
    }

    /// `terraform plan -detailed-exitcode`: 0 = no changes, 2 = changes (the plan text is returned with it).
    pub fn plan_exit_code(&self) -> anyhow::Result<(i32, String)> {
        let output = self
            .command(&["plan", "-detailed-exitcode"])
            .args(self.vars())
            .output()
            .context("running terraform plan")?;
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        match output.status.code() {
            Some(code @ (0 | 2)) => Ok((code, text)),
            _ => bail!("terraform plan failed:\n{text}"),
        }
    }

    /// `terraform plan -out`, then the saved plan as `terraform show -json` and as text: what the plan workflow
    /// gives `generator plan-summary`.
    pub fn saved_plan(&self) -> anyhow::Result<(String, String)> {
        let file = "review.tfplan";
        self.run_with_vars(&["plan", &format!("-out={file}")])?;
        let json = self.run(&["show", "-json", file])?.stdout;
        let text = self.run(&["show", "-no-color", file])?.stdout;
        Ok((String::from_utf8(json)?, String::from_utf8(text)?))
    }

    /// Replaces the root's Terraform files with those generated from `config`, as a pull request changing
    /// `config.toml` would (unformatted: Terraform does not care).
    pub fn regenerate(&self, config: &generator::config::Config) -> anyhow::Result<()> {
        for file in generator::generate(config)? {
            if file.kind == generator::output::FileKind::Terraform {
                std::fs::write(self.root.join(file.name), file.contents)?;
            }
        }
        Ok(())
    }

    /// Writes an extra file into the root (tests use it to add a resource the environment does not have).
    pub fn write_file(&self, name: &str, contents: &str) -> anyhow::Result<()> {
        std::fs::write(self.root.join(name), contents)?;
        Ok(())
    }

    pub fn destroy(&self) -> anyhow::Result<()> {
        self.run_with_vars(&["destroy", "-auto-approve"])?;
        Ok(())
    }

    /// The destroy `make destroy` runs (`tools/terraform-destroy.sh`): no built zips, stand-ins made by the script.
    pub fn destroy_as_make_does(&self) -> anyhow::Result<()> {
        let script = test_support::repo_root().join("tools/terraform-destroy.sh");
        let endpoint = format!("aws_endpoint={}", self.endpoint);
        let output = self
            .command_of(
                "bash",
                &[
                    &script.to_string_lossy(),
                    &self.root.to_string_lossy(),
                    "-no-color",
                    "-var",
                    &endpoint,
                ],
            )
            .output()
            .context("running tools/terraform-destroy.sh")?;
        check(&["destroy (tools/terraform-destroy.sh)"], output)?;
        Ok(())
    }

    /// `terraform output -json`, as name → value.
    pub fn outputs(&self) -> anyhow::Result<BTreeMap<String, serde_json::Value>> {
        let output = self.run(&["output", "-json"])?;
        let outputs: BTreeMap<String, serde_json::Value> = serde_json::from_slice(&output.stdout)?;
        Ok(outputs
            .into_iter()
            .map(|(name, o)| (name, o["value"].clone()))
            .collect())
    }

    /// The `values` of every managed resource of `resource_type` in the state.
    pub fn resources(&self, resource_type: &str) -> anyhow::Result<Vec<serde_json::Value>> {
        let output = self.run(&["show", "-json"])?;
        let state: serde_json::Value = serde_json::from_slice(&output.stdout)?;
        let mut found = Vec::new();
        let mut modules = vec![state["values"]["root_module"].clone()];
        while let Some(mut module) = modules.pop() {
            if let Some(children) = module["child_modules"].as_array_mut() {
                modules.append(children);
            }
            for resource in module["resources"].as_array_mut().into_iter().flatten() {
                if resource["type"] == resource_type && resource["mode"] == "managed" {
                    found.push(resource["values"].take());
                }
            }
        }
        Ok(found)
    }

    /// The environment variables of every applied function, by function name, as Terraform recorded them plus
    /// the ones Lambda sets itself (`AWS_LAMBDA_FUNCTION_MEMORY_SIZE`).
    pub fn function_environments(
        &self,
    ) -> anyhow::Result<BTreeMap<String, BTreeMap<String, String>>> {
        let mut functions = BTreeMap::new();
        for values in self.resources("aws_lambda_function")? {
            let name = values["function_name"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let mut variables: BTreeMap<String, String> =
                match &values["environment"][0]["variables"] {
                    serde_json::Value::Null => BTreeMap::new(),
                    variables => serde_json::from_value(variables.clone())
                        .with_context(|| format!("environment of {name} in the state"))?,
                };
            // What Lambda adds to every function's environment and the handlers read.
            if let Some(memory) = values["memory_size"].as_u64() {
                variables.insert(
                    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE".to_owned(),
                    memory.to_string(),
                );
            }
            functions.insert(name, variables);
        }
        Ok(functions)
    }

    /// The applied bucket notifications: (bucket, ARN of the queue, prefix, suffix) per subscription.
    pub fn queue_notifications(&self) -> anyhow::Result<Vec<(String, String, String, String)>> {
        let mut found = Vec::new();
        for values in self.resources("aws_s3_bucket_notification")? {
            let bucket = values["bucket"].as_str().unwrap_or_default();
            for target in values["queue"].as_array().into_iter().flatten() {
                let text = |field: &str| target[field].as_str().unwrap_or_default().to_owned();
                found.push((
                    bucket.to_owned(),
                    text("queue_arn"),
                    text("filter_prefix"),
                    text("filter_suffix"),
                ));
            }
        }
        Ok(found)
    }

    /// The applied event source mappings from SQS, with their queue's redrive: what feeds each function and how.
    pub fn queue_mappings(&self) -> anyhow::Result<Vec<QueueMapping>> {
        let queues = self.resources("aws_sqs_queue")?;
        let mut found = Vec::new();
        for values in self.resources("aws_lambda_event_source_mapping")? {
            let queue_arn = values["event_source_arn"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let queue = queues
                .iter()
                .find(|q| q["arn"].as_str() == Some(queue_arn.as_str()))
                .ok_or_else(|| {
                    anyhow::anyhow!("the mapping's queue {queue_arn} is not in the state")
                })?;
            let redrive: serde_json::Value = queue["redrive_policy"]
                .as_str()
                .and_then(|p| serde_json::from_str(p).ok())
                .unwrap_or_default();
            found.push(QueueMapping {
                function_arn: values["function_arn"]
                    .as_str()
                    .or(values["function_name"].as_str())
                    .unwrap_or_default()
                    .to_owned(),
                max_concurrency: values["scaling_config"][0]["maximum_concurrency"]
                    .as_u64()
                    .with_context(|| {
                        format!("the mapping of {queue_arn} has no maximum_concurrency")
                    })?,
                // Absent on the emulator (modules/s3-lambda-trigger leaves it out there): the caller's default.
                max_receives: redrive["maxReceiveCount"].as_u64(),
                queue_arn,
            });
        }
        Ok(found)
    }

    fn vars(&self) -> Vec<String> {
        vec![
            "-input=false".into(),
            "-no-color".into(),
            "-var".into(),
            format!("aws_endpoint={}", self.endpoint),
            "-var".into(),
            format!("lambda_artifacts_dir={}", self.artifacts.display()),
        ]
    }

    fn run_with_vars(&self, args: &[&str]) -> anyhow::Result<Output> {
        let output = self
            .command(args)
            .args(self.vars())
            .output()
            .with_context(|| format!("running terraform {}", args.join(" ")))?;
        check(args, output)
    }

    fn run(&self, args: &[&str]) -> anyhow::Result<Output> {
        let output = self
            .command(args)
            .output()
            .with_context(|| format!("running terraform {}", args.join(" ")))?;
        check(args, output)
    }

    fn command(&self, args: &[&str]) -> Command {
        self.command_of("terraform", args)
    }

    /// `program` with the environment every Terraform run here gets.
    fn command_of(&self, program: &str, args: &[&str]) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(&self.root)
            .args(args)
            .env("TF_IN_AUTOMATION", "1")
            // moto accepts any credentials; these keep the provider from looking for real ones.
            .env("AWS_ACCESS_KEY_ID", "local")
            .env("AWS_SECRET_ACCESS_KEY", "local")
            .env_remove("AWS_PROFILE");
        if let Some(cli_config) = cli_config_override() {
            command.env("TF_CLI_CONFIG_FILE", cli_config);
        }
        command
    }
}

fn check(args: &[&str], output: Output) -> anyhow::Result<Output> {
    if output.status.success() {
        return Ok(output);
    }
    bail!(
        "terraform {} failed ({}):\n{}{}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The project's CLI config (provider mirror at /opt/tf-plugins) when the machine's own is missing: the same rule
/// as the Makefile, so `cargo test` works outside `make` too, and a real user's config wins.
fn cli_config_override() -> Option<PathBuf> {
    let own = std::env::var_os("TF_CLI_CONFIG_FILE").map(PathBuf::from);
    if own.as_deref().is_some_and(Path::is_file) {
        return None;
    }
    let project = test_support::repo_root().join("tools/terraform.rc");
    (Path::new("/opt/tf-plugins").is_dir() && project.is_file()).then_some(project)
}

/// `<dir>/bootstrap.zip` holding a `bootstrap` that explains itself: moto stores it and never runs it.
fn placeholder_zip(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join("bootstrap"),
        "#!/bin/sh\necho 'placeholder: the local stack runs this handler in-process' >&2\nexit 1\n",
    )?;
    let status = Command::new("python3")
        .current_dir(dir)
        .args(["-m", "zipfile", "-c", "bootstrap.zip", "bootstrap"])
        .status()
        .context("python3 (needed to write placeholder zips) did not run")?;
    if !status.success() {
        bail!("python3 -m zipfile failed in {}", dir.display());
    }
    Ok(())
}

/// An applied SQS event source mapping and its queue's redrive.
#[derive(Debug, Clone)]
pub struct QueueMapping {
    pub queue_arn: String,
    pub function_arn: String,
    pub max_concurrency: u64,
    /// The redrive policy's `maxReceiveCount`, when the queue has one.
    pub max_receives: Option<u64>,
}
