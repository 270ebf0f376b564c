#!/usr/bin/env bash
# Registers (or updates) the outbox connector, idempotently, and waits until it streams:
# connector and task RUNNING and the replication slot present in Postgres.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../stack/scripts/lib.sh"
source "$here/../stack/defaults.env"

config="$RUN_DIR/conf/outbox-connector.json"
# It holds Debezium's password: readable by its owner only.
(umask 077 && render "$here/outbox-connector.json" "$config")
chmod 600 "$config"

step "registering connector ${CONNECTOR_NAME}"
response=$(mktemp)
code=$(curl -sS -o "$response" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
  --data @"$config" "http://${STACK_HOST}:${CONNECT_PORT}/connectors/${CONNECTOR_NAME}/config")
body=$(cat "$response"); rm -f "$response"
case "$code" in
  200|201) ;;
  *) die "Connect refused the connector config (HTTP $code): $body" ;;
esac

connector_running() { [ "$(connector_states)" = "RUNNING RUNNING" ]; }
wait_for "connector ${CONNECTOR_NAME} RUNNING" 120 connector_running

slot_active() {
  [ "$(pg_admin -d "$PG_CALCULATOR_DB" -Atc \
    "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '${REPLICATION_SLOT}' AND active")" = 1 ]
}
wait_for "replication slot ${REPLICATION_SLOT} active" 60 slot_active
