#!/usr/bin/env bash
# Installs the system tools of the given groups (see tools/system-tools.tsv) that are missing: Debian packages,
# with apt-get as root or through passwordless sudo. Without either, exits 1 naming the command to run.
# Usage: tools/system-tools.sh GROUP...   (groups: build, browser)
set -euo pipefail
cd "$(dirname "$0")/.."

missing_commands=()
missing_packages=()
while IFS=$'\t' read -r command package group _; do
  [[ -z "$command" || "$command" == \#* ]] && continue
  [[ " $* " == *" $group "* ]] || continue
  if [[ "$command" == chromium && -x "${CHROMIUM:-/nonexistent}" ]]; then continue; fi
  command -v "$command" >/dev/null && continue
  missing_commands+=("$command")
  missing_packages+=("$package")
done < tools/system-tools.tsv

[[ ${#missing_packages[@]} -eq 0 ]] && exit 0

if [[ "$(id -u)" == 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "missing: ${missing_commands[*]}; install them with: sudo apt-get install ${missing_packages[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "missing: ${missing_commands[*]}; this is not a Debian-like system: install the packages ${missing_packages[*]} with your package manager" >&2
  exit 1
fi
echo "installing ${missing_packages[*]} (apt-get) for: ${missing_commands[*]}" >&2
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_packages[@]}" >/dev/null
for command in "${missing_commands[@]}"; do
  command -v "$command" >/dev/null || { echo "apt-get installed a package but $command is still not on PATH" >&2; exit 1; }
done
