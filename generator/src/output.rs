//! Turns a validated config into the files of its Terraform root. Pure and deterministic: the same config always
//! gives the same bytes (HCL is printed in insertion order, and every set-like list is sorted upstream).

use crate::config::Config;
use crate::{docs, stack};

/// How a file must be post-processed before it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Terraform: the binary passes it through `terraform fmt` (hcl-rs does not align `=`).
    Terraform,
    /// Written as is.
    Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// File name inside the environment folder.
    pub name: &'static str,
    pub kind: FileKind,
    pub contents: String,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("could not print HCL for {file}: {source}")]
    Hcl {
        file: &'static str,
        source: hcl::Error,
    },
    #[error(transparent)]
    Docs(#[from] docs::DocsError),
}

/// Every file of the environment's root, in a fixed order.
pub fn generate(config: &Config) -> Result<Vec<GeneratedFile>, GenerateError> {
    let mut files = Vec::new();
    for (name, body) in stack::root(config) {
        let hcl = hcl::format::to_string(&body)
            .map_err(|source| GenerateError::Hcl { file: name, source })?;
        files.push(GeneratedFile {
            name,
            kind: FileKind::Terraform,
            contents: format!("# {}\n\n{hcl}", crate::GENERATED_HEADER),
        });
    }
    files.push(GeneratedFile {
        name: "README.md",
        kind: FileKind::Text,
        contents: docs::environment_readme(config)?,
    });
    Ok(files)
}
