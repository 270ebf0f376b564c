#!/usr/bin/env bash
# Creates the private Postgres cluster once, starts it, and applies roles, databases and the outbox.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$STACK_DIR/defaults.env"

pg_user=$(pg_os_user)
as_pg_user() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi; }

if [ ! -f "$RUN_DIR/pgdata/PG_VERSION" ]; then
  step "creating the Postgres cluster in $RUN_DIR/pgdata"
  mkdir -p "$RUN_DIR/pgdata"
  chown "$pg_user" "$RUN_DIR/pgdata"
  as_pg_user /usr/lib/postgresql/15/bin/initdb -D "$RUN_DIR/pgdata" -U "$PG_SUPERUSER" \
    --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi
mkdir -p "$RUN_DIR/pgsocket"
chown "$pg_user" "$RUN_DIR/pgsocket"
chmod 0700 "$RUN_DIR/pgsocket"

sv_start postgres
wait_for "Postgres on :$PG_PORT" 60 ready_as postgres "$PG_PORT" /usr/lib/postgresql/15/bin/pg_isready -q -h "$RUN_DIR/pgsocket" -p "$PG_PORT"

# The passwords reach psql on its standard input, as \set lines ahead of the script: an argument
# would show on the process' command line (ps) to every user of the machine. The script's \ir
# includes are then relative to the working directory, hence the cd.
psql_set() { local value=${2//\\/\\\\}; printf "\\set %s '%s'\n" "$1" "${value//\'/\'\'}"; }
{
  psql_set service_a_password "$SERVICE_A_DB_PASSWORD"
  psql_set service_b_password "$SERVICE_B_DB_PASSWORD"
  psql_set debezium_password "$DEBEZIUM_DB_PASSWORD"
  psql_set registry_password "$REGISTRY_DB_PASSWORD"
  psql_set monitoring_password "$MONITORING_DB_PASSWORD"
  cat "$STACK_DIR/postgres/bootstrap.sql"
} | (cd "$STACK_DIR/postgres" && pg_admin -d postgres -f - \
  -v calculator_db="$PG_CALCULATOR_DB" -v results_db="$PG_RESULTS_DB" -v registry_db="$PG_REGISTRY_DB" \
  -v service_a_user="$SERVICE_A_DB_USER" -v service_b_user="$SERVICE_B_DB_USER" -v debezium_user="$DEBEZIUM_DB_USER" \
  -v registry_user="$REGISTRY_DB_USER" -v monitoring_user="$MONITORING_DB_USER" \
  -v publication="$PUBLICATION_NAME")
# WAL and commit settings are reloadable: apply a changed postgresql.conf without a restart.
pg_admin -d postgres -Atc "SELECT pg_reload_conf()" >/dev/null
step "Postgres roles, databases and outbox in place"
