# The project's commands. `make up` starts the whole stack natively; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VITEST_JSON = --reporter=default --reporter=json --outputFile.json=test-results/$(1).json
WITH_STACK_ENV = source stack/defaults.env &&
# The operator commands' Kafka and registry addresses: the environment's if set, else the stack's.
WITH_CLIENT_ENV = $(WITH_STACK_ENV) KAFKA_BROKERS="$${KAFKA_BROKERS:-$$STACK_HOST:$$KAFKA_PORT}" \
	SCHEMA_REGISTRY_URL="$${SCHEMA_REGISTRY_URL:-http://$$STACK_HOST:$$REGISTRY_PORT/apis/ccompat/v7}" \
	KAFKA_TOPIC="$$USER_EVENTS_TOPIC"

.PHONY: help up down status logs clean deps build lint typecheck test-unit test-e2e test bench bench-ceiling bench-floor chaos inspect replay-dlq consumer-groups

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

lint: deps ## biome, buf lint, generated code up to date, alert rule tests (promtool)
	npm run --silent lint
	@command -v promtool >/dev/null || bash stack/scripts/install-system-packages.sh
	promtool test rules stack/monitoring/alerts.test.yml

typecheck: deps ## tsc across the workspaces
	npm run --silent typecheck

test-unit: deps ## unit tests (no I/O)
	npx vitest run --project unit $(call VITEST_JSON,unit)

test-e2e: up ## end-to-end tests against the running stack
	$(WITH_STACK_ENV) npx vitest run --project e2e $(call VITEST_JSON,e2e)

test: lint typecheck test-unit test-e2e ## everything: lint, typecheck, unit, end-to-end (starts the stack if needed)

bench: up ## k6 at RATE/s for DURATION through nginx (defaults 3000/s, 60s); writes bench/report.md + chart.png
	@bash stack/scripts/install-k6.sh
	@bash loadtest/bench.sh

bench-ceiling: up ## the highest rate held through nginx (ghz, steps up to p99 > 50 ms or errors); writes bench/ceiling.md
	@bash stack/scripts/install-ghz.sh
	@bash loadtest/ceiling.sh

bench-floor: deps ## the gRPC transport's own CPU per call by rate (ghz to a bare grpc-js server); writes bench/transport-floor.md
	@bash stack/scripts/install-ghz.sh
	@bash loadtest/transport-floor.sh

chaos: up ## each fault (kills, restarts, rebalance, slot guard) under ghz load at CHAOS_RATE (500/s), reconciled; writes bench/chaos.md
	@bash stack/scripts/install-ghz.sh
	@bash loadtest/chaos.sh

# Recipes are silent and build to stderr: stdout carries only the records, ready for `| jq`.
inspect: ## print a topic's records as JSON lines: TOPIC=user-events.dlq ARGS="--last 5 | --from-beginning --follow"
	@npx tsc -b service-b >&2
	@$(WITH_CLIENT_ENV) npm run --silent inspect -w service-b -- $(TOPIC) $(ARGS)

replay-dlq: ## re-publish dead letters to their source topic once the cause is fixed: ARGS="--dry-run --reason R"
	@npx tsc -b service-b >&2
	@$(WITH_CLIENT_ENV) npm run --silent replay-dlq -w service-b -- $(ARGS)

consumer-groups: ## Kafka's consumer group tool, e.g. ARGS="--describe --group service-b" (see README: rewinding)
	@bash stack/scripts/consumer-groups.sh $(ARGS)
