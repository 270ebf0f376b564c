#!/usr/bin/env bash
# make chaos: one fault at a time under steady CalculateSum load through nginx, each in its own run
# (its own request ids), each reconciled by request id against service-b's database, each timed from
# the fault's end until the pipeline has caught up again. Writes bench/chaos.md.
#   CHAOS_FAULTS="kill-service-a restart-postgres" make chaos    # a subset, in the order given
# Faults: kill-service-a kill-service-b add-service-b kill-connect kill-kafka restart-postgres
# stop-registry slot-guard.
set -euo pipefail
source "$(dirname "$0")/../stack/scripts/lib.sh"
source "$STACK_DIR/defaults.env"

all_faults="kill-service-a kill-service-b add-service-b kill-connect kill-kafka restart-postgres stop-registry slot-guard"
faults=${CHAOS_FAULTS:-$all_faults}
rate=${CHAOS_RATE:-500}
# Load before the fault (steady state first) and after its end (recovery under load, not at rest).
lead_seconds=${CHAOS_LEAD_SECONDS:-5}
tail_seconds=${CHAOS_TAIL_SECONDS:-20}
recovery_target=${CHAOS_RECOVERY_TARGET_SECONDS:-30}
# The longest wait for anything that should happen on its own (a restart, a drain, readiness).
settle_timeout=${CHAOS_SETTLE_TIMEOUT:-180}
registry_outage=${CHAOS_REGISTRY_OUTAGE_SECONDS:-30}
extra_consumer_seconds=${CHAOS_EXTRA_CONSUMER_SECONDS:-20}
connect_kill_gap=${CHAOS_CONNECT_KILL_GAP_SECONDS:-3}
# The slot guard's budget for its run: the default (2 GiB) is far more WAL than a run here writes.
# Not the smallest service-a accepts (16 MiB): at 500/s the slot retains up to about 14 MiB in normal
# operation (Postgres moves its restart point in steps), so writes would pause again right after
# resuming. 32 MiB is exceeded about a minute and a half after Connect stops.
small_wal_budget=${CHAOS_WAL_BUDGET_BYTES:-33554432}
concurrency=${CHAOS_CONCURRENCY:-200}
connections=${CHAOS_CONNECTIONS:-8}

out="$REPO_DIR/bench/chaos"
ghz="$RUN_DIR/bin/ghz"
target="$STACK_HOST:$NGINX_GRPC_PORT"
service_b_ports=$(for i in $(seq 0 $((SERVICE_B_INSTANCES - 1))); do echo $((SERVICE_B_PORT + i)); done)
service_a_http_ports=$(for i in $(seq 1 "$SERVICE_A_INSTANCES"); do echo $((SERVICE_A_HTTP_BASE_PORT + i)); done)
# The added consumer takes the next port and instance number after the supervised ones.
extra_port=$((SERVICE_B_PORT + SERVICE_B_INSTANCES))
extra_name="service-b-$((SERVICE_B_INSTANCES + 1))"

for fault in $faults; do
  [[ " $all_faults " == *" $fault "* ]] || die "unknown fault '$fault'; known: $all_faults"
done
[ -x "$ghz" ] || die "ghz missing at $ghz (bash stack/scripts/install-ghz.sh)"
supervisor_running || die "the stack is not running (make up)"

now_ms() { date +%s%3N; }

# --- What the stack looks like ------------------------------------------------------------------

# supervisorctl's status exits non-zero when any program is not running: read, never fatal.
sv_status() { sv status "$@" || true; }

# program_pids: "NAME<TAB>PID" for every supervised program, 0 for one not running. A pid that
# differs after a run means supervisord started that program again: it crashed (or was a target).
program_pids() {
  sv_status | awk '{ pid = ($2 == "RUNNING") ? $4 : 0; sub(/,$/, "", pid); printf "%s\t%s\n", $1, pid }'
}

every_program_running() { ! sv_status | grep -qv ' RUNNING '; }

# running_as_new NAME OLD_PID: NAME runs under supervisord as a process other than OLD_PID.
running_as_new() {
  local pid
  sv_status "$1" | grep -q ' RUNNING ' || return 1
  pid=$(sv pid "$1")
  [ "$pid" -gt 0 ] && [ "$pid" != "$2" ]
}

# metrics_lag PORT: "LAG PARTITIONS" of the service-b instance on PORT, from its own
# kafka_consumer_lag_messages: the partitions it owns and the records of them it has not committed.
metrics_lag() {
  { curl -s --max-time 2 "http://$STACK_HOST:$1/metrics" || true; } \
    | awk -v topic="topic=\"$USER_EVENTS_TOPIC\"" '
        /^kafka_consumer_lag_messages\{/ && index($0, topic) { s += $NF; n++ }
        END { print s + 0, n + 0 }'
}

# group_lag_reader [EVERY_MS]: the service-b group's lag as "MS<TAB>LAG" lines (LAG "-" when Kafka
# did not answer): log end offsets minus the group's committed offsets, summed over the partitions,
# read from the broker whoever owns them. service-b's own kafka_consumer_lag_messages covers only
# the partitions each instance owns, and an instance rests its reads for 30 s after one failed (a
# rebalance, a broker outage): blind exactly when a run needs it. Reads once without EVERY_MS, else
# until its parent is gone; it exits after repeated failures so that a fresh client is made.
group_lag_reader() {
  (cd "$REPO_DIR" && exec node - "$STACK_HOST:$KAFKA_PORT" service-b "$USER_EVENTS_TOPIC" "${1:-0}" <<'JS'
const { KafkaJS } = require('@confluentinc/kafka-javascript');
const [brokers, groupId, topic, every] = process.argv.slice(2);
const admin = new KafkaJS.Kafka({ kafkaJS: { brokers: [brokers], logLevel: KafkaJS.logLevel.NOTHING } }).admin();
const parent = process.ppid;
const options = { timeout: 2000, isolationLevel: KafkaJS.IsolationLevel.READ_UNCOMMITTED };
async function lag() {
  const [ends, [offsets]] = await Promise.all([
    admin.fetchTopicOffsets(topic, options),
    admin.fetchOffsets({ groupId, topics: [topic], timeout: 2000 }),
  ]);
  const committed = new Map(offsets.partitions.map((p) => [p.partition, Number(p.offset)]));
  // The next record to process; a partition the group never committed counts from its log start.
  const next = (e) => ((committed.get(e.partition) ?? -1) >= 0 ? committed.get(e.partition) : Number(e.low));
  return ends.reduce((sum, e) => sum + Number(e.high) - next(e), 0);
}
const within = (promise) => Promise.race([promise, new Promise((_, no) => setTimeout(() => no(new Error('timeout')), 4000))]);
(async () => {
  await within(admin.connect());
  for (let failures = 0; failures < 5 && process.ppid === parent; ) {
    const value = await within(lag()).then((v) => { failures = 0; return v; }, () => { failures++; return '-'; });
    console.log(`${Date.now()}\t${value}`);
    if (Number(every) === 0) process.exit(0);
    await new Promise((resolve) => setTimeout(resolve, Number(every)));
  }
  process.exit(1);
})().catch(() => { console.log(`${Date.now()}\t-`); process.exit(1); });
JS
  )
}

lag_is_zero() { [ "$(group_lag_reader | cut -f2)" = 0 ]; }

# lag_sampler FILE: the group's lag about every second until SIGTERM, into FILE; a reader that
# died (the broker went away under it) is started again.
lag_sampler() {
  local child=""
  trap 'if [ -n "$child" ]; then kill "$child" 2>/dev/null; fi; exit 0' TERM
  while :; do
    group_lag_reader 1000 >> "$1" &
    child=$!
    wait "$child" || true
    sleep 1
  done
}

connector_running() { [ "$(connector_states)" = "RUNNING RUNNING" ]; }

every_instance_ready() {
  local port
  for port in $service_a_http_ports $service_b_ports; do http_ok "http://$STACK_HOST:$port/readyz" || return 1; done
}

# healthy: the state every run starts from and every run must return to.
healthy() { every_program_running && connector_running && every_instance_ready && lag_is_zero; }

# metric_sum NAME FILTER PORTS...: the sum of one metric's samples (those whose labels contain FILTER).
metric_sum() {
  local name=$1 filter=$2 port; shift 2
  for port in "$@"; do curl -s --max-time 2 "http://$STACK_HOST:$port/metrics" || true; done \
    | awk -v name="$name{" -v filter="$filter" \
      'index($0, name) == 1 && (filter == "" || index($0, filter)) { s += $NF } END { print s + 0 }'
}

# duplicates_by_instance: "NAME<TAB>PID<TAB>DUPLICATES" per service-b instance: the events it
# skipped as already applied (redeliveries), counted since its process started.
duplicates_by_instance() {
  local i port
  for i in $(seq 1 "$SERVICE_B_INSTANCES"); do
    port=$((SERVICE_B_PORT + i - 1))
    printf 'service-b-%s\t%s\t%s\n' "$i" "$(sv pid "service-b-$i")" \
      "$(metric_sum events_processed_total 'outcome="duplicate"' "$port")"
  done
}

# writes_paused_on_any / writes_paused_on_none: service-a's slot guard (outbox_writes_paused).
# shellcheck disable=SC2086 # one port per word
writes_paused_on_any() { [ "$(metric_sum outbox_writes_paused '' $service_a_http_ports)" -gt 0 ]; }
writes_paused_on_none() {
  local port
  for port in $service_a_http_ports; do
    curl -sf --max-time 2 "http://$STACK_HOST:$port/metrics" | grep -q '^outbox_writes_paused{.*} 0$' || return 1
  done
}

# --- The run's records in the databases ---------------------------------------------------------

# committed_ids RUN / applied_ids RUN: the run's request ids service-a committed (request_keys is
# written in the same transaction as the outbox row, so it is the set of events that must arrive,
# whatever the client saw) and the ones service-b applied, one a line, repeats kept.
committed_ids() {
  pg_admin -d "$PG_CALCULATOR_DB" -Atc "SELECT request_id FROM request_keys WHERE request_id LIKE '${1}-%'" | LC_ALL=C sort
}
applied_ids() {
  pg_admin -d "$PG_RESULTS_DB" -Atc "SELECT request_id FROM calculations WHERE request_id LIKE '${1}-%'" | LC_ALL=C sort
}
committed_count() {
  pg_admin -d "$PG_CALCULATOR_DB" -Atc "SELECT count(*) FROM request_keys WHERE request_id LIKE '${1}-%'"
}
applied_count() {
  pg_admin -d "$PG_RESULTS_DB" -Atc "SELECT count(DISTINCT request_id) FROM calculations WHERE request_id LIKE '${1}-%'"
}
all_applied() { [ "$(applied_count "$1")" -ge "$(committed_count "$1")" ]; }
# settled RUN LAG_FILE: the run's events all applied and the lag 0; the lag reading goes into the
# run's lag file too, since the sampler may be stopped before its own next reading.
settled() {
  all_applied "$1" || return 1
  local reading
  reading=$(group_lag_reader)
  printf '%s\n' "$reading" >> "$2"
  [ "$(cut -f2 <<<"$reading")" = 0 ]
}

# drained_at RUN MS: when service-b applied the last event of the run written before MS (epoch
# ms, 0 when none). Consumer lag alone reads 0 while events still wait upstream of Kafka (Connect
# down: the WAL holds them), so a run has recovered only once this backlog is applied too.
drained_at() {
  pg_admin -d "$PG_RESULTS_DB" -Atc "SELECT coalesce((extract(epoch FROM max(applied_at)) * 1000)::bigint, 0)
    FROM calculations WHERE request_id LIKE '${1}-%' AND created_at <= to_timestamp($2 / 1000.0)"
}

# reconcile RUN DIR: the counts the report checks, as "KEY<TAB>VALUE" lines.
reconcile() {
  local run=$1 dir=$2
  committed_ids "$run" > "$dir/committed-ids.txt"
  applied_ids "$run" > "$dir/applied-ids.txt"
  LC_ALL=C sort -u "$dir/applied-ids.txt" > "$dir/applied-distinct.txt"
  printf 'committed\t%s\n' "$(wc -l < "$dir/committed-ids.txt")"
  printf 'stored\t%s\n' "$(wc -l < "$dir/applied-ids.txt")"
  printf 'distinct\t%s\n' "$(wc -l < "$dir/applied-distinct.txt")"
  printf 'stored_total\t%s\n' "$(pg_admin -d "$PG_RESULTS_DB" -Atc \
    "SELECT coalesce(sum(sum), 0) FROM calculations WHERE request_id LIKE '${run}-%'")"
  # Committed but never applied: lost. Applied but never committed: cannot happen, checked anyway.
  printf 'lost_ids\t%s\n' "$(LC_ALL=C comm -23 "$dir/committed-ids.txt" "$dir/applied-distinct.txt" | wc -l)"
  printf 'stray_ids\t%s\n' "$(LC_ALL=C comm -13 "$dir/committed-ids.txt" "$dir/applied-distinct.txt" | wc -l)"
  rm -f "$dir/committed-ids.txt" "$dir/applied-ids.txt" "$dir/applied-distinct.txt"
}

# --- Load ---------------------------------------------------------------------------------------

# ghz_start RUN_ID TOTAL OUT.json: TOTAL CalculateSum calls at the run's rate in the background
# (ghz_pid). A call count, not a duration: at the end of a duration ghz cuts the calls in flight,
# whose outcome it then cannot know. Every call sends 1 + 2 with a request id unique in the run.
ghz_pid=""
ghz_start() {
  "$ghz" --insecure --proto "$REPO_DIR/proto/calculator/v1/calculator.proto" --import-paths "$REPO_DIR/proto" \
    --call calculator.v1.CalculatorService/CalculateSum \
    -d "{\"user_id\":\"chaos-{{mod .RequestNumber 500}}\",\"operands\":[1,2],\"request_id\":\"$1-{{.RequestNumber}}\"}" \
    --rps "$rate" --total "$2" --concurrency "$concurrency" --connections "$connections" \
    --timeout 10s -O json "$target" > "$3" 2> "${3%.json}.stderr" &
  ghz_pid=$!
}

# --- The faults ---------------------------------------------------------------------------------
# Each fault_* marks fault-start and fault-end in the run's timeline; the fault ends when what was
# taken away is back (the process started again, the instance stopped), not when the stack has
# recovered: the time from there to caught up is what the run measures.

timeline=""
mark() { printf '%s\t%s\n' "$1" "$(now_ms)" >> "$timeline"; }

# kill9 NAME: SIGKILL to a supervised program, then wait for supervisord to have started it again.
kill9() {
  local old
  old=$(sv pid "$1")
  sv signal KILL "$1" >/dev/null
  mark "killed $1 (pid $old)"
  poll_until "$settle_timeout" running_as_new "$1" "$old" >/dev/null || { warn "$1 was not restarted"; return 1; }
  mark "$1 running again (pid $(sv pid "$1"))"
}

fault_kill_service_a() {
  mark fault-start
  kill9 service-a-1
  mark fault-end
}

# An instance that owns records it has not committed is mid-batch (fetched, maybe applied, not yet
# committed). Waiting for that moment (a few seconds at most) makes the kill leave work to redeliver.
fault_kill_service_b() {
  local tries=0 uncommitted=0
  while [ "$tries" -lt 50 ]; do
    uncommitted=$(metrics_lag "$SERVICE_B_PORT" | cut -d' ' -f1)
    [ "$uncommitted" -gt 0 ] && break
    sleep 0.1
    tries=$((tries + 1))
  done
  mark fault-start
  mark "service-b-1 owns $uncommitted records not committed"
  kill9 service-b-1
  mark fault-end
}

# program_environment NAME: the environment supervisord gives program NAME (from the rendered
# config the stack runs with), one NAME=value a line.
program_environment() {
  awk -v section="[program:$1]" '$0 == section { on = 1; next } /^\[/ { on = 0 } on && sub(/^environment=/, "")' \
    "$(supervisor_conf)" | sed 's/",/"\n/g' | sed -E 's/^([A-Z_]+)="(.*)"$/\1=\2/'
}

# owns_partitions PORT: the instance on PORT reports the lag of at least one partition it owns.
owns_partitions() { [ "$(metrics_lag "$1" | cut -d' ' -f2)" -gt 0 ]; }

extra_pid=""
# A third consumer joins the group (a rebalance hands it partitions) and leaves on SIGTERM (a second
# rebalance): run as the last supervised instance is, on the next port, outside supervisord.
fault_add_service_b() {
  local env_lines
  mapfile -t env_lines < <(program_environment "service-b-$SERVICE_B_INSTANCES")
  mark fault-start
  (cd "$REPO_DIR" && exec env "${env_lines[@]}" HTTP_PORT="$extra_port" INSTANCE_ID="$extra_name" \
    node "$REPO_DIR/service-b/dist/main.js") >> "$1/$extra_name.log" 2>&1 &
  extra_pid=$!
  mark "started $extra_name (pid $extra_pid)"
  if poll_until 60 owns_partitions "$extra_port" >/dev/null; then
    mark "$extra_name owns partitions $(curl -s "http://$STACK_HOST:$extra_port/metrics" \
      | grep -o '^kafka_consumer_lag_messages{[^}]*partition="[0-9]*"' | grep -o '[0-9]*"$' | tr -d '"' | sort | tr '\n' ' ')"
  else
    warn "$extra_name got no partitions within 60 s"
  fi
  sleep "$extra_consumer_seconds"
  printf 'extra_duplicates\t%s\n' "$(metric_sum events_processed_total 'outcome="duplicate"' "$extra_port")" >> "$1/facts.tsv"
  kill -TERM "$extra_pid"
  mark "SIGTERM to $extra_name"
  local waited=0
  while kill -0 "$extra_pid" 2>/dev/null && [ "$waited" -lt 40 ]; do sleep 1; waited=$((waited + 1)); done
  if kill -0 "$extra_pid" 2>/dev/null; then
    warn "$extra_name still running 40 s after SIGTERM; killing it"
    kill -KILL "$extra_pid"
  fi
  wait "$extra_pid" 2>/dev/null || true
  extra_pid=""
  mark "$extra_name exited"
  mark fault-end
}

# kafka_answers: the broker answers a read of the group's offsets.
kafka_answers() { [[ "$(group_lag_reader | cut -f2)" =~ ^[0-9]+$ ]]; }

# After the fault's end, when the restarted piece really works again: for the timeline only.
fault_kill_connect() {
  local i
  mark fault-start
  for i in 1 2 3; do
    kill9 connect
    if [ "$i" -lt 3 ]; then sleep "$connect_kill_gap"; fi
  done
  mark fault-end
  if poll_until 120 connector_running >/dev/null; then mark "connector and task RUNNING (Connect REST)"; fi
}

fault_kill_kafka() {
  mark fault-start
  kill9 kafka
  mark fault-end
  if poll_until 120 kafka_answers >/dev/null; then mark "broker answers"; fi
}

fault_restart_postgres() {
  mark fault-start
  sv restart postgres >/dev/null
  mark fault-end
}

fault_stop_registry() {
  mark fault-start
  sv stop registry >/dev/null
  mark "registry stopped"
  sleep "$registry_outage"
  sv start registry >/dev/null
  mark "registry started"
  mark fault-end
}

# Connect stays stopped until service-a refuses writes (the slot retains more WAL than the budget),
# and a few seconds more so the refusals are seen under load; the fault ends when Connect runs again.
# Writes resume only once Debezium has streamed the backlog and the slot has let go of the WAL.
fault_slot_guard() {
  mark fault-start
  sv stop connect >/dev/null
  mark "connect stopped"
  if poll_until "$settle_timeout" writes_paused_on_any >/dev/null; then
    mark writes-paused
    sleep 5
  else
    warn "service-a did not pause writes within ${settle_timeout}s"
  fi
  sv start connect >/dev/null
  mark "connect started"
  mark fault-end
  if poll_until "$settle_timeout" writes_paused_on_none >/dev/null; then mark writes-resumed; else warn "writes still paused"; fi
}

# The targets of each fault: the programs it restarts on purpose, whose pids may change.
targets_of() {
  case $1 in
    kill-service-a) echo service-a-1 ;;
    kill-service-b) echo service-b-1 ;;
    kill-connect | slot-guard) echo connect ;;
    kill-kafka) echo kafka ;;
    restart-postgres) echo postgres ;;
    stop-registry) echo registry ;;
    *) echo ;;
  esac
}

# Seconds from the fault's start to its end, to size the run's call count: ghz then ends about
# CHAOS_TAIL_SECONDS after the fault. Measured on this machine, rounded up.
expected_fault_seconds() {
  case $1 in
    kill-service-a | kill-service-b) echo 4 ;;
    add-service-b) echo $((extra_consumer_seconds + 8)) ;;
    kill-connect) echo $((3 * 7 + 2 * connect_kill_gap)) ;;
    kill-kafka) echo 7 ;;
    restart-postgres) echo 8 ;;
    stop-registry) echo $((registry_outage + 6)) ;;
    # The load must outlast the refusals: with Connect stopped the slot retains about 400 kB more
    # each second; then about 45 s until Connect runs, has streamed the backlog and the slot has
    # let go of the WAL.
    slot-guard) echo $((small_wal_budget / 400000 + 45)) ;;
  esac
}

# --- The slot guard's budget --------------------------------------------------------------------
# service-a reads its WAL budget once at start, from the environment supervisord gives it. Only that
# value is changed in the rendered config the stack runs with (every other setting stays exactly as
# started), the service-a programs are updated one at a time (one instance keeps serving), and the
# saved config is put back afterwards.

saved_conf="$RUN_DIR/conf/supervisord.conf.before-chaos"
budget_changed=""

restart_service_a() {
  local i
  sv reread >/dev/null
  for i in $(seq 1 "$SERVICE_A_INSTANCES"); do
    sv update "service-a-$i" >/dev/null
    sv_start "service-a-$i"
    wait_for "service-a-$i" 60 http_ok "http://$STACK_HOST:$((SERVICE_A_HTTP_BASE_PORT + i))/readyz"
  done
}

set_small_wal_budget() {
  step "service-a with a WAL budget of $small_wal_budget bytes"
  cp "$(supervisor_conf)" "$saved_conf"
  budget_changed=yes
  sed -i -E "s/REPLICATION_SLOT_WAL_BUDGET_BYTES=\"[0-9]+\"/REPLICATION_SLOT_WAL_BUDGET_BYTES=\"$small_wal_budget\"/g" \
    "$(supervisor_conf)"
  restart_service_a
}

restore_wal_budget() {
  step "service-a with its configured WAL budget again"
  cp "$saved_conf" "$(supervisor_conf)"
  rm -f "$saved_conf"
  budget_changed=""
  restart_service_a
}

# --- One run ------------------------------------------------------------------------------------

sampler_pid=""
stop_sampler() {
  if [ -n "$sampler_pid" ]; then
    kill -TERM "$sampler_pid" 2>/dev/null || true
    wait "$sampler_pid" 2>/dev/null || true
    sampler_pid=""
  fi
}

# run_fault FAULT: the fault's run in $out/FAULT: ghz.json, timeline.tsv, lag.tsv, pids and facts.
run_fault() {
  local fault=$1 dir="$out/$1" run
  run="chaos-$fault-$(date +%s)"
  rm -rf "$dir" && mkdir -p "$dir"
  timeline="$dir/timeline.tsv"
  : > "$timeline"
  {
    printf 'run_id\t%s\n' "$run"
    printf 'targets\t%s\n' "$(targets_of "$fault")"
  } > "$dir/facts.tsv"
  step "$fault: waiting for a healthy stack"
  if ! poll_until "$settle_timeout" healthy >/dev/null; then
    warn "$fault not run: the stack was not healthy within ${settle_timeout}s"
    printf 'skipped\tthe stack was not healthy within %ss\n' "$settle_timeout" >> "$dir/facts.tsv"
    return
  fi

  program_pids > "$dir/pids-before.tsv"
  duplicates_by_instance > "$dir/duplicates-before.tsv"
  local log_offset
  log_offset=$(stat -c %s "$RUN_DIR/logs/supervisord.log")
  # The reader can die with the broker (librdkafka) and is started again; the shell's notice of
  # that death is noise on the terminal.
  lag_sampler "$dir/lag.tsv" 2>/dev/null &
  sampler_pid=$!

  local calls=$((rate * (lead_seconds + $(expected_fault_seconds "$fault") + tail_seconds)))
  step "$fault: run $run, $calls calls at ${rate}/s, the fault after ${lead_seconds}s"
  mark load-start
  ghz_start "$run" "$calls" "$dir/ghz.json"
  sleep "$lead_seconds"
  "fault_${fault//-/_}" "$dir"
  wait "$ghz_pid" || warn "ghz ended with status $? (see $dir/ghz.stderr)"
  ghz_pid=""
  mark load-end

  step "$fault: waiting until every committed call is applied and the consumer lag is 0"
  if poll_until "$settle_timeout" settled "$run" "$dir/lag.tsv" >/dev/null; then
    mark settled
  else
    warn "$fault: not settled within ${settle_timeout}s"
  fi
  stop_sampler
  program_pids > "$dir/pids-after.tsv"
  duplicates_by_instance > "$dir/duplicates-after.tsv"
  tail -c +"$((log_offset + 1))" "$RUN_DIR/logs/supervisord.log" > "$dir/supervisord.log"

  local fault_end
  fault_end=$(awk -F'\t' '$1 == "fault-end" { print $2 }' "$timeline")
  {
    reconcile "$run" "$dir"
    printf 'drained_ms\t%s\n' "$(drained_at "$run" "${fault_end:-0}")"
  } >> "$dir/facts.tsv"
}

# Whatever stopped the script, the stack is left as it was found: no load, no extra consumer,
# every program running, service-a with its configured budget.
cleanup() {
  local status=$? name
  set +e
  if [ -n "$ghz_pid" ]; then kill -TERM "$ghz_pid" 2>/dev/null; fi
  if [ -n "$extra_pid" ]; then kill -TERM "$extra_pid" 2>/dev/null; wait "$extra_pid" 2>/dev/null; fi
  stop_sampler
  for name in $(sv_status | awk '$2 != "RUNNING" { print $1 }'); do
    warn "starting $name again"
    sv start "$name" >/dev/null
  done
  if [ -n "$budget_changed" ]; then restore_wal_budget; fi
  exit "$status"
}
trap cleanup EXIT
# Interrupted (Ctrl-C, a timeout): exit, so that the cleanup runs.
trap 'exit 130' INT TERM

mkdir -p "$out"
started=$(date +%s)
for fault in $faults; do
  if [ "$fault" = slot-guard ]; then set_small_wal_budget; fi
  run_fault "$fault"
  if [ "$fault" = slot-guard ]; then restore_wal_budget; fi
done
ended=$(date +%s)

# shellcheck disable=SC2086 # one fault per word
node "$REPO_DIR/loadtest/write-chaos-report.mjs" --dir "$out" --faults "$faults" --rate "$rate" \
  --lead "$lead_seconds" --tail "$tail_seconds" --recovery-target "$recovery_target" \
  --wal-budget "$small_wal_budget" --ceiling "$REPO_DIR/bench/ceiling.md" --seconds "$((ended - started))" \
  > "$out/report.md"
cp "$out/report.md" "$REPO_DIR/bench/chaos.md"
cat "$out/report.md"
step "report: $REPO_DIR/bench/chaos.md"
