#!/usr/bin/env bash
# docker-compose only: the official postgres image runs this once on an empty volume, with the
# same roles, databases and outbox as the native stack (stack/postgres/bootstrap.sql).
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres -f /stack/postgres/bootstrap.sql \
  -v calculator_db=calculator -v results_db=results -v registry_db=registry \
  -v service_a_user=service_a -v service_a_password="$SERVICE_A_DB_PASSWORD" \
  -v service_b_user=service_b -v service_b_password="$SERVICE_B_DB_PASSWORD" \
  -v debezium_user=debezium -v debezium_password="$DEBEZIUM_DB_PASSWORD" \
  -v registry_user=registry -v registry_password="$REGISTRY_DB_PASSWORD" \
  -v monitoring_user=monitoring -v monitoring_password="$MONITORING_DB_PASSWORD" \
  -v publication=outbox_publication
# Debezium streams over a replication connection, which "all" databases in pg_hba does not cover.
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
