#!/usr/bin/env bash
# `terraform destroy` of one generated root without the Lambda zips: the root hashes each zip
# (filebase64sha256) even to plan a destroy, and nothing is uploaded then, so empty stand-ins are enough. Called by
# tools/destroy.sh after its checks, and by the local cloud's test on a root whose buckets hold objects.
#   tools/terraform-destroy.sh <root dir> [extra terraform destroy arguments]
set -euo pipefail
root="${1:?usage: tools/terraform-destroy.sh <root dir> [terraform destroy args]}"
shift
stand_ins=$(mktemp -d)
trap 'rm -rf "$stand_ins"' EXIT
# Every zip the root names: "${local.lambda_artifacts_dir}/<binary>/bootstrap.zip".
for bin in $(sed -n 's|.*lambda_artifacts_dir}/\([a-z0-9_-]*\)/bootstrap\.zip.*|\1|p' "$root"/*.tf | sort -u); do
  mkdir -p "$stand_ins/$bin"
  : > "$stand_ins/$bin/bootstrap.zip"
done
terraform -chdir="$root" destroy -input=false -auto-approve -var "lambda_artifacts_dir=$stand_ins" "$@"
