#!/usr/bin/env bash
# Checks what `make up` needs before it changes anything, one clear line per missing piece, and
# that no other process holds a port the stack listens on.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$STACK_DIR/defaults.env"

problems=()

node_version=$(node -p 'process.versions.node' 2>/dev/null || true)
if [ -z "$node_version" ]; then
  problems+=("Node.js 20.12 or newer is required: apt-get install nodejs npm (Debian 12 ships 18; use Node 20+)")
elif ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 12) ? 0 : 1)'; then
  problems+=("Node.js 20.12 or newer is required, found $node_version")
fi
command -v npm >/dev/null || problems+=("npm is required: apt-get install npm")
java_version=$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}' || true)
case "$java_version" in
  17*|1[89]*|2[0-9]*) ;;
  "") problems+=("Java 17 is required: apt-get install openjdk-17-jdk-headless") ;;
  *) problems+=("Java 17 or newer is required, found $java_version: apt-get install openjdk-17-jdk-headless") ;;
esac
command -v mvn >/dev/null || problems+=("Maven is required to stage Kafka, Connect, Debezium and Apicurio: apt-get install maven")
command -v envsubst >/dev/null || step "envsubst missing: installed with the system packages next (gettext-base)"
# Go builds Jaeger (the trace backend, stack/jaeger/go.mod) and the load generators. Debian 12's
# golang-go is 1.19: too old for either.
go_version=$(go env GOVERSION 2>/dev/null | sed 's/^go//' || true)
if [ -z "$go_version" ]; then
  problems+=("Go 1.24.6 or newer is required to build Jaeger and the load generators: Debian 12's golang-go is 1.19; take golang from bookworm-backports or an official Go release")
elif ! printf '%s\n%s\n' 1.24.6 "$go_version" | sort -V -C; then
  problems+=("Go 1.24.6 or newer is required to build Jaeger, found $go_version")
fi

# Ports: free, or held by this stack's own supervised processes (a second `make up`).
ports=$(set | sed -nE 's/^([A-Z_]+_PORT)=([0-9]+)$/\1 \2/p')
for i in $(seq 1 "$SERVICE_A_INSTANCES"); do
  ports+=$'\n'"service-a-$i $((SERVICE_A_BASE_PORT + i))"$'\n'"service-a-$i-http $((SERVICE_A_HTTP_BASE_PORT + i))"
done
for i in $(seq 2 "$SERVICE_B_INSTANCES"); do ports+=$'\n'"service-b-$i $((SERVICE_B_PORT + i - 1))"; done
command -v ss >/dev/null || { warn "ss is missing (iproute2, installed next): ports not checked this time"; ports=""; }
while read -r name port; do
  [ -n "$port" ] || continue
  for pid in $(listening_pids "$port"); do
    if ! under_stack_supervisor "$pid"; then
      problems+=("port $port ($name) is held by pid $pid ($(ps -o comm= -p "$pid" 2>/dev/null || echo '?')), not by this stack: stop it, or run with $name=<another port> if it is a setting")
    fi
  done
done <<< "$ports"

if [ ${#problems[@]} -gt 0 ]; then
  for problem in "${problems[@]}"; do printf '\033[1;31mxx\033[0m %s\n' "$problem" >&2; done
  exit 1
fi
step "prerequisites present (Node $node_version, Java $java_version), ports free or the stack's own"
