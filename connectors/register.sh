#!/usr/bin/env bash
# Registers (or updates) the outbox connector, idempotently, and waits until it streams:
# connector and task RUNNING and the replication slot present in Postgres.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../stack/scripts/lib.sh"
source "$here/../stack/defaults.env"

connect="http://${STACK_HOST}:${CONNECT_PORT}"
config=$(envsubst "$(env_vars_of "$here/../stack/defaults.env")" < "$here/outbox-connector.json")

step "registering connector ${CONNECTOR_NAME}"
code=$(curl -sS -o /tmp/connector-put.$$ -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
  --data "$config" "$connect/connectors/${CONNECTOR_NAME}/config")
body=$(cat /tmp/connector-put.$$); rm -f /tmp/connector-put.$$
case "$code" in
  200|201) ;;
  *) die "Connect refused the connector config (HTTP $code): $body" ;;
esac

connector_running() {
  curl -sf "$connect/connectors/${CONNECTOR_NAME}/status" \
    | grep -q '"connector":{"state":"RUNNING"' || return 1
  curl -sf "$connect/connectors/${CONNECTOR_NAME}/status" \
    | grep -qE '"tasks":\[\{"id":0,"state":"RUNNING"'
}
wait_for "connector ${CONNECTOR_NAME} RUNNING" 120 connector_running

slot_active() {
  [ "$(pg_admin -d "$PG_CALCULATOR_DB" -Atc \
    "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '${REPLICATION_SLOT}' AND active")" = 1 ]
}
wait_for "replication slot ${REPLICATION_SLOT} active" 60 slot_active
