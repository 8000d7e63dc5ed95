#!/usr/bin/env bash
# `make destroy ENV=<env>`: terraform destroy of one environment, after the operator types its name. A production
# stage is refused unless FORCE=1 as well. Without a terminal (CI), CONFIRM=<env> stands for the typed name.
# Needs no built zips (tools/terraform-destroy.sh). Outside production the buckets have force_destroy (the
# default), so their objects and versions go with them. A production stage keeps its two buckets (the users'
# originals and avatars): they leave the state first, so the destroy finishes, and are named at the end.
set -euo pipefail
env_name="${1:?usage: tools/destroy.sh ENV}"
cd "$(dirname "$0")/.."
config="envs/${env_name}/config.toml"
[ -f "$config" ] || { echo "no environment ${env_name}: ${config} does not exist" >&2; exit 2; }
stage=$(sed -n 's/^stage *= *"\([a-z]*\)".*/\1/p' "$config" | head -n 1)
if [ "$stage" = "local" ]; then
  echo "${env_name} is the local stage: its cloud is the emulator, which \`make demo\` starts and stops; nothing to destroy" >&2
  exit 2
fi
if [ "$stage" = "production" ] && [ "${FORCE:-}" != "1" ]; then
  echo "refusing to destroy ${env_name}: it is a production stage (users' avatars and the profile data go with it)." >&2
  echo "If you mean it: make destroy ENV=${env_name} FORCE=1" >&2
  exit 1
fi
if [ "${CONFIRM:-}" != "${env_name}" ]; then
  if [ ! -t 0 ]; then
    echo "refusing to destroy ${env_name} without confirmation: run it in a terminal, or set CONFIRM=${env_name}" >&2
    exit 1
  fi
  read -r -p "This destroys every resource of ${env_name} (buckets with force_destroy included). Type ${env_name} to go on: " typed
  [ "$typed" = "$env_name" ] || { echo "not confirmed; nothing destroyed" >&2; exit 1; }
fi
cargo run --quiet --locked -p generator -- --env "$env_name" --verify-account
terraform -chdir="envs/${env_name}" init -input=false
kept=()
if [ "$stage" = "production" ]; then
  for bucket_module in module.uploads_bucket module.assets_bucket; do
    if terraform -chdir="envs/${env_name}" state list "$bucket_module" 2>/dev/null | grep -q .; then
      terraform -chdir="envs/${env_name}" state rm "$bucket_module" >/dev/null
      kept+=("$bucket_module")
    fi
  done
fi
bash tools/terraform-destroy.sh "envs/${env_name}"
if [ "${#kept[@]}" -gt 0 ]; then
  echo "kept (production data, no longer managed by Terraform): ${kept[*]}; delete the buckets by hand if you mean it" >&2
fi
