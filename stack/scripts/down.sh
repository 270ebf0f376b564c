#!/usr/bin/env bash
# Stops the native stack without losing an event: writers first, then Debezium once it has
# caught up with the WAL, then the connector and its replication slot, then everything else.
# Data stays in .run (`make clean` removes it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$STACK_DIR/defaults.env"

if ! supervisor_running; then
  step "stack not running"
  exit 0
fi

running() { sv status "$1" 2>/dev/null | grep -q RUNNING; }

step "stopping nginx and service-a (no new writes)"
sv stop nginx $(for i in $(seq 1 "$SERVICE_A_INSTANCES"); do printf 'service-a-%s ' "$i"; done) >/dev/null || true

if running postgres && running connect; then
  # Every outbox row is in the WAL before this position; once the slot has confirmed it, Debezium
  # has published them all. (Heartbeats move the confirmed position on while nothing is written.)
  target=$(pg_admin -d "$PG_CALCULATOR_DB" -Atc "SELECT pg_current_wal_lsn()")
  slot_caught_up() {
    [ "$(pg_admin -d "$PG_CALCULATOR_DB" -Atc "SELECT coalesce(bool_and(confirmed_flush_lsn >= '$target'), true)
      FROM pg_replication_slots WHERE slot_name = '${REPLICATION_SLOT}'")" = t ]
  }
  if poll_until 30 slot_caught_up >/dev/null; then
    step "Debezium caught up with the WAL"
    drop_slot=1
  elif [ "${FORCE_DROP_SLOT:-0}" = 1 ]; then
    warn "Debezium is still behind the WAL after 30s; FORCE_DROP_SLOT=1: dropping the slot, events not yet published are lost"
    drop_slot=1
  else
    # The outbox rows are deleted at insert: the slot's WAL is the only copy of what Debezium has not
    # published yet. Keep slot, connector and offsets; the next `make up` resumes from them.
    warn "Debezium is still behind the WAL after 30s: keeping the connector and slot ${REPLICATION_SLOT} (the next make up resumes from them; FORCE_DROP_SLOT=1 make down drops them)"
    drop_slot=0
  fi
elif running postgres; then
  # Without Connect nobody can say how far Debezium got: keep what it needs to resume.
  warn "Connect is not running: keeping the connector and slot ${REPLICATION_SLOT} (the next make up resumes from them)"
fi

if [ "${drop_slot:-0}" = 1 ]; then
  # Stop, reset the stored source offsets, then delete: a connector registered again later must
  # start from its new slot, not from an LSN the dropped slot no longer holds (Debezium refuses that).
  step "removing connector ${CONNECTOR_NAME} and its stored offsets"
  connector="http://${STACK_HOST}:${CONNECT_PORT}/connectors/${CONNECTOR_NAME}"
  curl -sf -o /dev/null -X PUT "$connector/stop" || true
  connector_stopped() { [ "$(connector_states)" = STOPPED ]; }
  poll_until 30 connector_stopped >/dev/null || warn "connector did not report STOPPED"
  curl -sf -o /dev/null -X DELETE "$connector/offsets" || warn "could not reset the connector's offsets"
  curl -sf -o /dev/null -X DELETE "$connector" || true
  slot_released() {
    [ "$(pg_admin -d "$PG_CALCULATOR_DB" -Atc "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '${REPLICATION_SLOT}' AND active")" = 0 ]
  }
  wait_for "replication slot released" 30 slot_released
  pg_admin -d "$PG_CALCULATOR_DB" -Atc "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '${REPLICATION_SLOT}'" >/dev/null
  step "replication slot ${REPLICATION_SLOT} dropped"
fi

step "stopping service-b, Connect, registry, Kafka, Postgres"
for i in $(seq 1 "$SERVICE_B_INSTANCES"); do sv stop "service-b-$i" >/dev/null || true; done
for program in prometheus nginx-exporter postgres-exporter jaeger connect registry kafka postgres; do sv stop "$program" >/dev/null || true; done
sv shutdown >/dev/null
step "stack stopped (data kept in $RUN_DIR)"
