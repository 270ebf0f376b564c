#!/usr/bin/env bash
# Starts the whole native stack from nothing, in dependency order, and shows one sum travelling
# through it. Safe to run again: every step checks before it acts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$STACK_DIR/defaults.env"
started=$SECONDS

"$here/check-prerequisites.sh"
"$here/install-system-packages.sh"
"$here/install-jvm-artifacts.sh"
"$here/install-jaeger.sh"
"$here/install-node-deps.sh"
"$here/prepare-stack-user.sh"
"$here/render-config.sh"

mkdir -p "$RUN_DIR/logs" "$RUN_DIR/nginx"
if supervisor_running; then
  step "supervisor running; applying config changes"
  sv reread >/dev/null && sv update >/dev/null
else
  step "starting supervisor"
  supervisord -c "$(supervisor_conf)"
  wait_for "supervisor" 15 supervisor_running
fi

"$here/start-postgres.sh"
"$here/start-kafka.sh"

sv_start registry
wait_for "Apicurio Registry on :$REGISTRY_PORT" 120 ready_as registry "$REGISTRY_PORT" http_ok "http://$STACK_HOST:$REGISTRY_PORT/apis/ccompat/v7/subjects"

sv_start connect
connect_has_debezium() { curl -sf --max-time 2 "http://$STACK_HOST:$CONNECT_PORT/connector-plugins" | grep -q PostgresConnector; }
wait_for "Kafka Connect with Debezium on :$CONNECT_PORT" 180 ready_as connect "$CONNECT_PORT" connect_has_debezium
sv_start_current jaeger "$RUN_DIR/bin/jaeger" "$RUN_DIR/conf/jaeger.yaml"
wait_for "Jaeger on :$JAEGER_QUERY_PORT" 30 ready_as jaeger "$JAEGER_QUERY_PORT" http_ok "http://$STACK_HOST:$JAEGER_HEALTH_PORT/status"
# The slot must exist before any service writes: rows committed earlier would never be published.
"$REPO_DIR/connectors/register.sh"

for i in $(seq 1 "$SERVICE_B_INSTANCES"); do
  sv_start_current "service-b-$i" "$REPO_DIR/service-b/dist" "$REPO_DIR/service-b/migrations" "$REPO_DIR/proto/dist"
done
for i in $(seq 1 "$SERVICE_B_INSTANCES"); do
  wait_for "service-b-$i on :$((SERVICE_B_PORT + i - 1))" 60 ready_as "service-b-$i" "$((SERVICE_B_PORT + i - 1))" http_ok "http://$STACK_HOST:$((SERVICE_B_PORT + i - 1))/readyz"
done
for i in $(seq 1 "$SERVICE_A_INSTANCES"); do
  sv_start_current "service-a-$i" "$REPO_DIR/service-a/dist" "$REPO_DIR/proto/dist" "$REPO_DIR/proto/src/generated"
done
for i in $(seq 1 "$SERVICE_A_INSTANCES"); do
  wait_for "service-a-$i on :$((SERVICE_A_BASE_PORT + i))" 60 ready_as "service-a-$i" "$((SERVICE_A_BASE_PORT + i))" http_ok "http://$STACK_HOST:$((SERVICE_A_HTTP_BASE_PORT + i))/readyz"
done
sv_start_current nginx "$RUN_DIR/conf/nginx.conf"
nginx_listening() { (exec 3<>"/dev/tcp/$STACK_HOST/$NGINX_GRPC_PORT") 2>/dev/null; }
wait_for "nginx on :$NGINX_GRPC_PORT" 15 ready_as nginx "$NGINX_GRPC_PORT" nginx_listening

sv_start nginx-exporter
sv_start postgres-exporter
# Its rules are read from the repository: a changed alerts.yml restarts it like a changed config.
sv_start_current prometheus "$RUN_DIR/conf/prometheus.yml" "$STACK_DIR/monitoring/alerts.yml"
wait_for "Prometheus on :$PROMETHEUS_PORT" 30 ready_as prometheus "$PROMETHEUS_PORT" http_ok "http://$STACK_HOST:$PROMETHEUS_PORT/-/ready"

step "sending one sum through the pipeline"
node "$REPO_DIR/e2e/dist/smoke.js"

step "stack up in $((SECONDS - started))s"
cat <<TXT

  gRPC (nginx, calculator.v1.CalculatorService)  $STACK_HOST:$NGINX_GRPC_PORT
  HTTP/JSON (nginx)                               http://$STACK_HOST:$NGINX_HTTP_PORT/v1/sum
  web page (nginx: form, live table, pipeline)    http://$STACK_HOST:$WEB_PORT/
  service-a instances (gRPC)                      $(for i in $(seq 1 "$SERVICE_A_INSTANCES"); do printf '%s ' "$STACK_HOST:$((SERVICE_A_BASE_PORT + i))"; done)
  service-a HTTP (/v1/sum /metrics …)            $(for i in $(seq 1 "$SERVICE_A_INSTANCES"); do printf '%s ' "http://$STACK_HOST:$((SERVICE_A_HTTP_BASE_PORT + i))"; done)
  service-b HTTP API, /metrics                    $(for i in $(seq 1 "$SERVICE_B_INSTANCES"); do printf '%s ' "http://$STACK_HOST:$((SERVICE_B_PORT + i - 1))/v1"; done)
  PostgreSQL                                      $STACK_HOST:$PG_PORT (databases $PG_CALCULATOR_DB, $PG_RESULTS_DB, $PG_REGISTRY_DB)
  Kafka (topic $USER_EVENTS_TOPIC)                       $STACK_HOST:$KAFKA_PORT
  Kafka Connect REST                              http://$STACK_HOST:$CONNECT_PORT/connectors/$CONNECTOR_NAME/status
  Traces (Jaeger query API: /api/traces/<id>)  http://$STACK_HOST:$JAEGER_QUERY_PORT/api/services
  Prometheus (every process, one target each)    http://$STACK_HOST:$PROMETHEUS_PORT/targets
  Apicurio Registry (Confluent API)               http://$STACK_HOST:$REGISTRY_PORT/apis/ccompat/v7
  logs                                            $RUN_DIR/logs/
  processes                                       make status | make down

TXT
