#!/usr/bin/env bash
# Shows what runs: every supervised process, the connector, and how far Debezium lags the WAL.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$STACK_DIR/defaults.env"

if ! supervisor_running; then
  echo "stack not running (make up starts it)"
  exit 3
fi
sv status
echo
printf 'connector %s: ' "$CONNECTOR_NAME"
connector_states || echo "not registered"
pg_admin -d "$PG_CALCULATOR_DB" -Atc "SELECT format('slot %s: active=%s, behind WAL by %s bytes', slot_name, active,
  pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)) FROM pg_replication_slots" 2>/dev/null || echo "postgres not reachable"
