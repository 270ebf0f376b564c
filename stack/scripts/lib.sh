# Shared helpers for the stack scripts; sourced, never run.
step() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m!!\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mxx\033[0m %s\n' "$*" >&2; exit 1; }

# poll_until TIMEOUT_SECONDS COMMAND...: runs COMMAND about every second until it succeeds; prints
# the seconds waited, fails after the timeout. Seconds by the clock, not loop turns: one try of
# COMMAND may itself take seconds.
poll_until() {
  local timeout=$1; shift
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if [ $((SECONDS - start)) -ge "$timeout" ]; then return 1; fi
    sleep 1
  done
  echo $((SECONDS - start))
}

# wait_for DESCRIPTION TIMEOUT_SECONDS COMMAND...: poll_until, or stop the script with a clear message.
wait_for() {
  local what=$1 timeout=$2; shift 2
  local waited
  waited=$(poll_until "$timeout" "$@") || die "timed out after ${timeout}s waiting for $what"
  step "$what ready (${waited}s)"
}

# Paths every script agrees on. RUN_DIR holds all state; deleting it resets the stack.
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK_DIR="$REPO_DIR/stack"
: "${RUN_DIR:=$REPO_DIR/.run}"
export REPO_DIR STACK_DIR RUN_DIR

# The OS user the Postgres server runs as: Postgres refuses to run as root.
pg_os_user() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }
# The OS user every other process of the stack runs as: a system user of its own when the stack
# is started as root (STACK_OS_USER, created by prepare-stack-user.sh), else whoever starts it.
stack_os_user() { if [ "$(id -u)" -eq 0 ]; then echo "${STACK_OS_USER:-calculator}"; else id -un; fi; }

# env_vars_of FILE: the "${NAME}" list envsubst should replace (only ours, never nginx's $vars).
env_vars_of() {
  { grep -oE '^: "\$\{[A-Z_]+' "$1" | sed 's/^: "\${//'; echo REPO_DIR; echo STACK_DIR; echo RUN_DIR; } \
    | sed 's/.*/${&}/' | tr '\n' ' '
}

# render TEMPLATE OUTPUT: fills in the stack's variables.
render() {
  mkdir -p "$(dirname "$2")"
  envsubst "$(env_vars_of "$STACK_DIR/defaults.env")" < "$1" > "$2"
}

# pg_admin ARGS...: psql as the cluster's superuser through the private socket.
pg_admin() {
  psql -X -q -v ON_ERROR_STOP=1 -h "$RUN_DIR/pgsocket" -p "$PG_PORT" -U "$PG_SUPERUSER" "$@"
}

supervisor_conf() { echo "$RUN_DIR/conf/supervisord.conf"; }
sv() { supervisorctl -c "$(supervisor_conf)" "$@"; }
supervisor_running() { [ -S "$RUN_DIR/supervisor.sock" ] && sv pid >/dev/null 2>&1; }

# sv_start NAME: starts one supervised program unless it already runs.
sv_start() {
  if sv status "$1" 2>/dev/null | grep -q RUNNING; then return 0; fi
  sv start "$1" >/dev/null || { tail -n 40 "$RUN_DIR/logs/$1.log" >&2 || true; die "$1 failed to start (log: $RUN_DIR/logs/$1.log)"; }
}

# http_ok URL: true when the URL answers 2xx.
http_ok() { curl -sf -o /dev/null --max-time 2 "$1"; }

# kafka_tool CLASS ARGS...: runs a Kafka tool from the staged libs.
kafka_tool() {
  java -Xmx256m -Dlog4j2.configurationFile="$STACK_DIR/kafka/log4j2-tools.properties" \
    -cp "$RUN_DIR/jvm/libs/*" "$@"
}

# connector_states: "<connector state> <task states...>" of the outbox connector, or nothing.
connector_states() {
  curl -sf --max-time 2 "http://$STACK_HOST:$CONNECT_PORT/connectors/$CONNECTOR_NAME/status" \
    | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const j=JSON.parse(s);console.log([j.connector.state,...j.tasks.map((t)=>t.state)].join(" "))})'
}

# changed_since_last_start NAME PATHS...: true when the files under PATHS differ from those NAME
# was last started with (a fingerprint is kept in .run/fingerprints); records the new fingerprint.
changed_since_last_start() {
  local name=$1; shift
  local file="$RUN_DIR/fingerprints/$name" now
  now=$(find "$@" -type f -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40)
  mkdir -p "$RUN_DIR/fingerprints"
  [ "$(cat "$file" 2>/dev/null)" = "$now" ] && return 1
  echo "$now" > "$file"
}

# sv_start_current NAME PATHS...: starts NAME, or restarts it when it runs code older than PATHS.
sv_start_current() {
  local name=$1; shift
  if changed_since_last_start "$name" "$@" && sv status "$name" 2>/dev/null | grep -q RUNNING; then
    step "$name runs an older build; restarting it"
    sv restart "$name" >/dev/null
  fi
  sv_start "$name"
}

# listening_pids PORT: the pids of the processes listening on TCP PORT (none when it is free).
listening_pids() {
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u
}

# descends_from PID ANCESTOR: true when PID is ANCESTOR or runs under it.
descends_from() {
  local pid=$1
  while [ -n "$pid" ] && [ "$pid" -gt 1 ]; do
    [ "$pid" = "$2" ] && return 0
    pid=$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ')
  done
  return 1
}

# under_stack_supervisor PID: true when PID runs under this stack's supervisord.
under_stack_supervisor() {
  local root
  root=$(cat "$RUN_DIR/supervisord.pid" 2>/dev/null) || return 1
  descends_from "$1" "$root"
}

# listens_as NAME PORT: true when PORT is held by supervised program NAME, not by another process
# that happens to use the port (e.g. a system service started at boot).
listens_as() {
  local root pid
  root=$(sv pid "$1" 2>/dev/null) || return 1
  [ "$root" -gt 0 ] 2>/dev/null || return 1
  for pid in $(listening_pids "$2"); do descends_from "$pid" "$root" && return 0; done
  return 1
}

# ready_as NAME PORT COMMAND...: COMMAND succeeds and PORT belongs to program NAME.
ready_as() {
  local name=$1 port=$2; shift 2
  "$@" && listens_as "$name" "$port"
}
