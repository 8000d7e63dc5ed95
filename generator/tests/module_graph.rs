//! The generator's top-level modules form no cycle: each names what it reads (`crate::<module>`), and following
//! those names never comes back. Two cycles existed (cors ↔ stack, docs ↔ output); `topology` now owns the names
//! they shared.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every `.rs` file under `dir`, recursively.
fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_top_level_modules_have_no_import_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    // main.rs and cli/ are the binary; the library's modules are lib.rs's `pub mod`s.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap_or(file);
        let first = relative
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        let Some(module) = first.map(|f| f.trim_end_matches(".rs").to_owned()) else {
            continue;
        };
        if ["lib", "main", "cli", "templates"].contains(&module.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let uses = graph.entry(module.clone()).or_default();
        for (at, _) in text.match_indices("crate::") {
            let name: String = text[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty()
                && name != module
                && name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            {
                uses.insert(name);
            }
        }
        // `use crate::{a, b}` groups.
        for (at, _) in text.match_indices("crate::{") {
            let group = text[at + 8..].split('}').next().unwrap_or("");
            for name in group.split(',').filter_map(|p| p.trim().split("::").next()) {
                if !name.is_empty() && name != module {
                    uses.insert(name.to_owned());
                }
            }
        }
    }
    assert!(graph.len() >= 8, "modules found: {:?}", graph.keys());
    // Depth-first search for a path from each module back to itself.
    for start in graph.keys() {
        let mut stack = vec![vec![start.clone()]];
        let mut seen = BTreeSet::new();
        while let Some(path) = stack.pop() {
            let last = path.last().cloned().unwrap_or_default();
            for next in graph.get(&last).into_iter().flatten() {
                if next == start {
                    panic!("import cycle: {} -> {start}", path.join(" -> "));
                }
                if graph.contains_key(next) && seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push(longer);
                }
            }
        }
    }
}
