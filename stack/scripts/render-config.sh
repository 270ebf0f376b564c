#!/usr/bin/env bash
# Renders every config of the native stack from its template into .run/conf.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$STACK_DIR/defaults.env"

conf="$RUN_DIR/conf"
mkdir -p "$conf"
PG_OS_USER=$(pg_os_user)
STACK_PROCESS_USER=$(stack_os_user)
export PG_OS_USER STACK_PROCESS_USER

render "$STACK_DIR/postgres/postgresql.conf" "$conf/postgresql.conf"
render "$STACK_DIR/kafka/server.properties" "$conf/server.properties"
render "$STACK_DIR/connect/worker.properties" "$conf/worker.properties"
render "$STACK_DIR/monitoring/jaeger.yaml" "$conf/jaeger.yaml"

# One supervisor program and one upstream server per service-a instance.
# It holds every service's password (in their environments): readable by its owner only.
(umask 077 && envsubst "$(env_vars_of "$STACK_DIR/defaults.env") \${PG_OS_USER} \${STACK_PROCESS_USER}" \
  < "$STACK_DIR/supervisor/supervisord.conf" > "$conf/supervisord.conf")
chmod 600 "$conf/supervisord.conf"
# With SERVICE_A_SPILL_AT > 0 and more than one instance, the first takes calls until that many are
# in flight there (or it is down) and the others, nginx's backup servers, take the rest.
[[ $SERVICE_A_SPILL_AT =~ ^[0-9]+$ ]] || die "SERVICE_A_SPILL_AT must be a whole number of calls (0: round-robin), not '$SERVICE_A_SPILL_AT'"
[[ $NGINX_UPSTREAM_FAIL_TIMEOUT_SECONDS =~ ^[1-9][0-9]*$ ]] || die "NGINX_UPSTREAM_FAIL_TIMEOUT_SECONDS must be a whole number of seconds, not '$NGINX_UPSTREAM_FAIL_TIMEOUT_SECONDS'"
spill_role() {
  if [ "$SERVICE_A_SPILL_AT" -eq 0 ] || [ "$SERVICE_A_INSTANCES" -eq 1 ]; then return; fi
  if [ "$1" -eq 1 ]; then echo " max_conns=$SERVICE_A_SPILL_AT"; else echo " backup"; fi
}
upstream=""
http_upstream=""
service_b_upstream=""
instance_upstreams=""
for i in $(seq 1 "$SERVICE_A_INSTANCES"); do
  INSTANCE=$i INSTANCE_GRPC_PORT=$((SERVICE_A_BASE_PORT + i)) INSTANCE_HTTP_PORT=$((SERVICE_A_HTTP_BASE_PORT + i)) \
    envsubst "$(env_vars_of "$STACK_DIR/defaults.env") \${INSTANCE} \${INSTANCE_GRPC_PORT} \${INSTANCE_HTTP_PORT} \${STACK_PROCESS_USER}" \
    < "$STACK_DIR/supervisor/service-a.conf" >> "$conf/supervisord.conf"
  upstream+="    server $STACK_HOST:$((SERVICE_A_BASE_PORT + i)) max_fails=1 fail_timeout=${NGINX_UPSTREAM_FAIL_TIMEOUT_SECONDS}s$(spill_role "$i");"$'\n'
  http_upstream+="    server $STACK_HOST:$((SERVICE_A_HTTP_BASE_PORT + i)) max_fails=1 fail_timeout=${NGINX_UPSTREAM_FAIL_TIMEOUT_SECONDS}s$(spill_role "$i");"$'\n'
  instance_upstreams+="  upstream service-a-$i { server $STACK_HOST:$((SERVICE_A_HTTP_BASE_PORT + i)) max_fails=0; }"$'\n'
done
# One supervisor program per service-b instance; they share the consumer group and the database.
for i in $(seq 1 "$SERVICE_B_INSTANCES"); do
  INSTANCE=$i INSTANCE_HTTP_PORT=$((SERVICE_B_PORT + i - 1)) \
    envsubst "$(env_vars_of "$STACK_DIR/defaults.env") \${INSTANCE} \${INSTANCE_HTTP_PORT} \${STACK_PROCESS_USER}" \
    < "$STACK_DIR/supervisor/service-b.conf" >> "$conf/supervisord.conf"
  service_b_upstream+="    server $STACK_HOST:$((SERVICE_B_PORT + i - 1)) max_fails=1 fail_timeout=${NGINX_UPSTREAM_FAIL_TIMEOUT_SECONDS}s;"$'\n'
  instance_upstreams+="  upstream service-b-$i { server $STACK_HOST:$((SERVICE_B_PORT + i - 1)) max_fails=0; }"$'\n'
done
SERVICE_A_UPSTREAM_SERVERS=$upstream SERVICE_A_HTTP_UPSTREAM_SERVERS=$http_upstream \
  SERVICE_B_HTTP_UPSTREAM_SERVERS=$service_b_upstream INSTANCE_UPSTREAMS=$instance_upstreams \
  PROMETHEUS_UPSTREAM_SERVER="    server $STACK_HOST:$PROMETHEUS_PORT;" \
  envsubst "$(env_vars_of "$STACK_DIR/defaults.env") \${SERVICE_A_UPSTREAM_SERVERS} \${SERVICE_A_HTTP_UPSTREAM_SERVERS} \${SERVICE_B_HTTP_UPSTREAM_SERVERS} \${INSTANCE_UPSTREAMS} \${PROMETHEUS_UPSTREAM_SERVER}" \
  < "$REPO_DIR/nginx/nginx.conf" > "$conf/nginx.conf"
# Prometheus: one target per service instance.
SERVICE_A_METRICS_TARGETS=$(for i in $(seq 1 "$SERVICE_A_INSTANCES"); do printf '"%s:%s",' "$STACK_HOST" $((SERVICE_A_HTTP_BASE_PORT + i)); done)
SERVICE_B_METRICS_TARGETS=$(for i in $(seq 1 "$SERVICE_B_INSTANCES"); do printf '"%s:%s",' "$STACK_HOST" $((SERVICE_B_PORT + i - 1)); done)
SERVICE_A_METRICS_TARGETS=${SERVICE_A_METRICS_TARGETS%,} SERVICE_B_METRICS_TARGETS=${SERVICE_B_METRICS_TARGETS%,} \
  envsubst "$(env_vars_of "$STACK_DIR/defaults.env") \${SERVICE_A_METRICS_TARGETS} \${SERVICE_B_METRICS_TARGETS}" \
  < "$STACK_DIR/monitoring/prometheus.yml" > "$conf/prometheus.yml"
step "configs rendered into $conf"
