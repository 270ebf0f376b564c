# The project's commands. `make up` starts the whole stack natively; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VITEST_JSON = --reporter=default --reporter=json --outputFile.json=test-results/$(1).json
WITH_STACK_ENV = source stack/defaults.env &&

.PHONY: help up down status logs clean deps build lint typecheck test-unit test-e2e test

help: ## list the commands
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

up: ## install what is missing, start the whole stack, send one sum through it
	@bash stack/scripts/up.sh

down: ## stop everything (connector removed, replication slot dropped; data kept)
	@bash stack/scripts/down.sh

status: ## show every process, the connector and the slot lag
	@bash stack/scripts/status.sh

logs: ## follow every process' log
	@tail -F .run/logs/*.log

clean: down ## stop and delete all state (.run: data, logs, staged JVM artifacts)
	rm -rf .run

deps: ## install npm dependencies and build (generated gRPC code, TypeScript)
	@bash stack/scripts/install-node-deps.sh

build: deps

lint: deps ## biome, buf lint, generated code up to date
	npm run --silent lint

typecheck: deps ## tsc across the workspaces
	npm run --silent typecheck

test-unit: deps ## unit tests (no I/O)
	npx vitest run --project unit $(call VITEST_JSON,unit)

test-e2e: up ## end-to-end tests against the running stack
	$(WITH_STACK_ENV) npx vitest run --project e2e $(call VITEST_JSON,e2e)

test: lint typecheck test-unit test-e2e ## everything: lint, typecheck, unit, end-to-end (starts the stack if needed)
