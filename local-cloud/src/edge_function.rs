//! The distribution's viewer-request function (`modules/cdn/format-negotiation.js`), run for the local CDN by Node
//! (`tools/node/cloudfront-function.mjs`): the same code, with the same rules the generator writes into the root's
//! `format_negotiation`, picks the format here as at the edge. The emulator cannot hold a function (it drops
//! function associations and has no publish), so the local root creates none.

use std::path::Path;
use std::process::Stdio;

use anyhow::{bail, Context};
use pipeline_contract::delivery::NegotiationRule;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::Mutex;

/// The template's one variable, as `modules/cdn/main.tf` passes it to `templatefile`.
const RULES_VARIABLE: &str = "${rules}";

/// The template as Terraform's `templatefile` renders it: `${rules}` becomes the rules' JSON. Refuses a template
/// with any other interpolation or directive, which Terraform would read differently.
pub fn render(template: &str, rules: &[NegotiationRule]) -> anyhow::Result<String> {
    if template.matches(RULES_VARIABLE).count() != 1 {
        bail!("the function template must use {RULES_VARIABLE} exactly once");
    }
    let rest = template.replacen(RULES_VARIABLE, "", 1);
    if rest.contains("${") || rest.contains("%{") {
        bail!("the function template has a Terraform interpolation or directive besides {RULES_VARIABLE}");
    }
    Ok(template.replacen(RULES_VARIABLE, &serde_json::to_string(rules)?, 1))
}

/// A running Node process holding the function; requests are answered one at a time.
pub struct ViewerRequestFunction {
    io: Mutex<(ChildStdin, BufReader<ChildStdout>)>,
    _node: Child,
}

impl ViewerRequestFunction {
    /// Starts Node with the rendered `modules/cdn/format-negotiation.js` of `repo`. Needs a Tokio runtime.
    pub async fn start(repo: &Path, rules: &[NegotiationRule]) -> anyhow::Result<Self> {
        let template_path = repo.join("modules/cdn/format-negotiation.js");
        let template = std::fs::read_to_string(&template_path)
            .with_context(|| format!("reading {}", template_path.display()))?;
        let code = render(&template, rules)?;
        let mut node = Command::new("node")
            .arg(repo.join("tools/node/cloudfront-function.mjs"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context(
                "starting node for the CDN's viewer-request function (Node 20+ must be on PATH)",
            )?;
        let (Some(mut stdin), Some(stdout)) = (node.stdin.take(), node.stdout.take()) else {
            bail!("node's stdin or stdout is not piped");
        };
        stdin
            .write_all(format!("{}\n", serde_json::to_string(&code)?).as_bytes())
            .await?;
        Ok(Self {
            io: Mutex::new((stdin, BufReader::new(stdout))),
            _node: node,
        })
    }

    /// The URI the function leaves a `GET uri` with this `Accept` at (the origin request's and the cache key's).
    pub async fn uri(&self, uri: &str, accept: Option<&str>) -> anyhow::Result<String> {
        let headers = match accept {
            Some(accept) => serde_json::json!({ "accept": accept }),
            None => serde_json::json!({}),
        };
        let request = serde_json::json!({ "uri": uri, "headers": headers });
        let mut io = self.io.lock().await;
        let (stdin, stdout) = &mut *io;
        stdin.write_all(format!("{request}\n").as_bytes()).await?;
        let mut line = String::new();
        if stdout.read_line(&mut line).await? == 0 {
            bail!("the viewer-request function's node process exited");
        }
        let answer: serde_json::Value = serde_json::from_str(&line)?;
        answer["uri"]
            .as_str()
            .map(str::to_owned)
            .context("the function answered no uri")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const CHROMIUM: &str = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";

    fn avatar_rule() -> Vec<NegotiationRule> {
        let outputs = [pipeline_contract::settings::OutputSettings {
            width: 512,
            height: 512,
            format: pipeline_contract::OutputFormat::Jpeg,
            quality: 80,
            suffix: String::new(),
        }];
        pipeline_contract::delivery::negotiation_rule(
            "avatars/",
            &outputs,
            &[pipeline_contract::OutputFormat::Webp],
        )
        .into_iter()
        .collect()
    }

    /// Issue 17 item 4: the function's choice for real browsers' and tools' `Accept` headers, run in Node.
    #[tokio::test]
    async fn the_function_picks_webp_only_for_clients_that_name_it() {
        let repo = test_support::repo_root();
        let function = ViewerRequestFunction::start(&repo, &avatar_rule())
            .await
            .unwrap();
        let stable = "/avatars/0b6c1a52-7c1e-4f57-9a51-2f0d8c3e1a11.jpg";
        let versioned =
            "/avatars/0b6c1a52-7c1e-4f57-9a51-2f0d8c3e1a11/9b2cf535f27731c9/512x512.jpg";
        let cases: [(&str, Option<&str>, &str); 11] = [
            (stable, Some(CHROMIUM), ".webp"),
            (versioned, Some(CHROMIUM), ".webp"),
            // Firefox and Safari 16+.
            (stable, Some("image/avif,image/webp,*/*"), ".webp"),
            (stable, Some("image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"), ".webp"),
            // Safari 13 had no WebP and said image/*: the JPEG.
            (stable, Some("image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5"), ".jpg"),
            (stable, Some("image/jpeg"), ".jpg"),
            (stable, Some("*/*"), ".jpg"),
            (stable, None, ".jpg"),
            (stable, Some("image/webp;q=0, image/jpeg"), ".jpg"),
            (stable, Some("IMAGE/WEBP ; q=0.5"), ".webp"),
            // Not the kind's JPEGs: the manifest, and keys under no rule.
            ("/avatars/0b6c1a52-7c1e-4f57-9a51-2f0d8c3e1a11.json", Some(CHROMIUM), ".json"),
        ];
        for (uri, accept, extension) in cases {
            let rewritten = function.uri(uri, accept).await.unwrap();
            let expected = format!("{}{extension}", uri.rsplit_once('.').unwrap().0);
            assert_eq!(rewritten, expected, "{uri} with Accept {accept:?}");
        }
        for uri in ["/banners/x.jpg", "/defaults/missing.png", "/avatarsx/y.jpg"] {
            assert_eq!(function.uri(uri, Some(CHROMIUM)).await.unwrap(), uri);
        }
    }

    #[test]
    fn the_template_renders_like_terraform_does() {
        let template = "var RULES = ${rules};\nfunction handler(event) { return event.request; }\n";
        let code = render(template, &avatar_rule()).unwrap();
        assert!(code.starts_with(r#"var RULES = [{"prefix":"/avatars/","from":".jpg","to":[{"extension":".webp","media_type":"image/webp"}]}];"#), "{code}");
        assert!(render("var A = ${rules}; var B = ${other};", &[]).is_err());
        assert!(render("var A = 1;", &[]).is_err());
    }
}
