-- Roles and databases of the stack, least privilege; idempotent, run by `make up` as the superuser.
-- psql variables: calculator_db results_db registry_db, *_user and *_password for each role.
\set ON_ERROR_STOP on

-- Owns the outbox table and its publication; nobody logs in as it.
SELECT 'CREATE ROLE outbox_owner NOLOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'outbox_owner') \gexec

SELECT format('CREATE ROLE %I LOGIN', :'service_a_user')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'service_a_user') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'service_a_user', :'service_a_password') \gexec

SELECT format('CREATE ROLE %I LOGIN REPLICATION', :'debezium_user')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'debezium_user') \gexec
SELECT format('ALTER ROLE %I LOGIN REPLICATION PASSWORD %L', :'debezium_user', :'debezium_password') \gexec

SELECT format('CREATE ROLE %I LOGIN', :'service_b_user')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'service_b_user') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'service_b_user', :'service_b_password') \gexec

SELECT format('CREATE ROLE %I LOGIN', :'registry_user')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'registry_user') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'registry_user', :'registry_password') \gexec

-- Prometheus' Postgres exporter: reads the statistics views (pg_monitor), nothing else.
SELECT format('CREATE ROLE %I LOGIN IN ROLE pg_monitor', :'monitoring_user')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'monitoring_user') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'monitoring_user', :'monitoring_password') \gexec

SELECT format('CREATE DATABASE %I OWNER outbox_owner', :'calculator_db')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'calculator_db') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'results_db', :'service_b_user')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'results_db') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'registry_db', :'registry_user')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'registry_db') \gexec

-- Nobody but the owners may connect to a database unless granted below.
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', d)
FROM unnest(ARRAY[:'calculator_db', :'results_db', :'registry_db']) AS d \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I, %I', :'calculator_db', :'service_a_user', :'debezium_user') \gexec
-- The maintenance database is the exporter's alone: by default every role may connect to it and
-- create temporary tables there.
REVOKE ALL ON DATABASE postgres FROM PUBLIC;
SELECT format('GRANT CONNECT ON DATABASE postgres TO %I', :'monitoring_user') \gexec

\connect :calculator_db
SET client_min_messages = warning;
SET ROLE outbox_owner;
\ir ../../service-a/migrations/outbox.sql
RESET ROLE;

REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"service_a_user", :"debezium_user";
-- service-a may only append events; it reads and prunes its own idempotency keys.
REVOKE ALL ON outbox FROM :"service_a_user";
GRANT INSERT ON outbox TO :"service_a_user";
GRANT SELECT, INSERT, DELETE ON request_keys TO :"service_a_user";
-- Debezium reads the table's shape and streams it through the publication created above.
GRANT SELECT ON outbox TO :"debezium_user";
