#!/usr/bin/env bash
# Whole-tree Terraform checks: formatting of envs/ and modules/, `terraform validate` of every generated root,
# and every module's `terraform test` (mock provider, no AWS). Fails naming the first folder that fails.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v terraform >/dev/null || {
  echo "terraform not found: install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install)" >&2
  exit 1
}

echo "== terraform fmt -check (envs/, modules/)"
terraform fmt -check -recursive envs
terraform fmt -check -recursive modules

init() { terraform -chdir="$1" init -backend=false -input=false -no-color >/dev/null; }

for env in envs/*/; do
  echo "== terraform validate ${env}"
  init "$env"
  terraform -chdir="$env" validate -no-color
done

passed=0
for module in modules/*/; do
  echo "== terraform test ${module}"
  init "$module"
  out=$(terraform -chdir="$module" test -no-color 2>&1) || { echo "$out"; exit 1; }
  echo "$out" | tail -n 1
  n=$(echo "$out" | sed -n 's/^Success! \([0-9]*\) passed.*/\1/p')
  passed=$((passed + ${n:-0}))
done
echo "terraform module tests: ${passed} passed, 0 failed"
