#!/usr/bin/env bash
# The Seckill benchmark: one command, about 3-5 minutes on a 2-core machine, loopback only.
# Starts its own stack on non-default ports (or uses the one scripts/run-local.sh started, with
# BENCH_USE_RUNNING=true), and measures in one run:
#   ceiling    a bare Vert.x server (same Vert.x, event loops, JVM flags, answer size) under the same wrk load
#   admission  202s/s and latency with distinct shoppers on a sale that does not sell out
#   sold-out   409 SOLD_OUT/s and latency with distinct shoppers on a sale already sold out
#   drain      orders/s from the first admission until the last admitted order is in PostgreSQL,
#              and the consumer's own capacity on a backlog (consumer stopped during a burst)
#   pg ceiling pgbench batched inserts into the same schema (scratch database, dropped afterwards),
#              swept over batch sizes
#   cost       per stage: CPU of the services, the broker and PostgreSQL per 202 and per 409, Redis script
#              calls/time and CPU per order and per refusal (per shard in cluster mode), Kafka bytes per record
#   invariants oversold, duplicate orders, lost orders, Redis/DB drift: each must be 0
#   gatling    optional (BENCH_GATLING=true): the realistic shopper flow at half the admission rate
#   cold open  fresh service JVMs, a sale that opens while wrk is already knocking: 202s/s and their p99
#              over the first BENCH_COLD_WINDOW s after the opening, against the steady admission
#   steady     each throughput phase warms up until two consecutive windows agree within 5 % (bounded by
#              BENCH_WARMUP_MAX); the JIT time of every JVM is sampled around each measured window, and a
#              phase where one JVM compiled for > 5 % of the window, or whose warm-up did not converge, is
#              reported steady: false
# Prints a table, writes bench-results.json in the current directory, exits 1 if an invariant broke.
# docs/performance.md explains every figure and setting.
#
# Settings (environment, all optional):
#   BENCH_THREADS (2) BENCH_CONNECTIONS (256) BENCH_DURATION (5 s) BENCH_REPEATS (3)
#   BENCH_WARMUP (5 s): the least warm-up; windows of BENCH_WARMUP_WINDOW (5 s) until two consecutive ones are
#              within 5 %, at most BENCH_WARMUP_MAX (90 s); BENCH_WARMUP_MAX <= BENCH_WARMUP: one warm-up run
#              of BENCH_WARMUP s, as before (then reported not converged)
#   BENCH_WARMUP_TOKENS (600000) fresh shoppers for the admission warm-up windows (90 s at 6 600/s); when they
#              run out the warm-up stops there, reported "tokens ran out" (not converged)
#   BENCH_COLD_OPEN (true) BENCH_COLD_LEAD (5 s of knocking before the opening) BENCH_COLD_WINDOW (5 s)
#   BENCH_EVENT_LOOPS (nproc)  BENCH_JAVA_OPTS ("-Xms512m -Xmx512m"), for the services and the ceiling server
#   BENCH_BROKER_JAVA_OPTS ("-XX:TieredStopAtLevel=1"), for the launcher's JVM (the in-process Kafka broker)
#   BENCH_SERVICE_JAVA_OPTS ("-XX:Tier4LoadFeedback=1000", run-local's and the image's), added for the gateway,
#     order-consumer and stock-service only (not the ceiling); "" for the JVM's default
#   BENCH_AOT (false): true (JDK 25+ as java) trains an AOT cache per service (-XX:AOTCacheOutput, its start-up
#              warm-up) before the stack starts, and every service JVM, the cold open's included, uses it
#   BENCH_TOKENS_PER_RUN (120000) shoppers minted per admission / sold-out / backlog run
#   BENCH_ADMIT_STOCK (2000000) BENCH_SOLDOUT_STOCK (100)
#   BENCH_BACKLOG (true) BENCH_BACKLOG_DURATION (5 s)
#   BENCH_PG_CLIENTS (2 = consumer threads) BENCH_PG_BATCH (500 = consumer max batch) BENCH_PG_DURATION (5 s)
#   BENCH_PG_BATCHES ("1 10 100 500 1000") batch sizes of the pgbench sweep (BENCH_PG_BATCH is always one)
#   BENCH_REDIS (standalone | cluster) BENCH_REDIS_PORT (16379) BENCH_REDIS_CLUSTER_PORT (17001: first of
#              BENCH_REDIS_SHARDS (3) primaries, cluster bus on port + 10000)
#   BENCH_BUCKETS (1): > 1 creates the admission and sold-out sales with "stockBuckets": N
#   BENCH_KAFKA_SAMPLE (20000) records read back to average the key and value sizes
#   BENCH_DRAIN_TIMEOUT (90 s)  BENCH_GATLING (false) BENCH_GATLING_DURATION (20 s)
#   BENCH_GATEWAY_PORT (18080) BENCH_STOCK_PORT (18081) BENCH_CONSUMER_PORT (18082) BENCH_CEILING_PORT (18090)
#   BENCH_GATEWAY_MANAGEMENT_PORT (19080) BENCH_STOCK_MANAGEMENT_PORT (19081): /metrics and /health/* (the
#                      consumer's BENCH_CONSUMER_PORT is its management port: it has no other server)
#   BENCH_USE_RUNNING (false): use the stack of scripts/run-local.sh (URLs and secrets from .local/env,
#                      .local/infra.env); the backlog drain is skipped there (it would stop your consumer)
set -euo pipefail

WORKDIR="$PWD"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

THREADS="${BENCH_THREADS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-256}"
DURATION="${BENCH_DURATION:-5}"
REPEATS="${BENCH_REPEATS:-3}"
WARMUP="${BENCH_WARMUP:-5}"
WARMUP_WINDOW="${BENCH_WARMUP_WINDOW:-5}"
WARMUP_MAX="${BENCH_WARMUP_MAX:-90}"
WARMUP_TOKENS="${BENCH_WARMUP_TOKENS:-600000}"
# Two consecutive warm-up windows within this share of the larger: SteadyState.TOLERANCE, which reports it.
WARMUP_TOLERANCE=0.05
COLD_OPEN="${BENCH_COLD_OPEN:-true}"
COLD_LEAD="${BENCH_COLD_LEAD:-5}"
COLD_WINDOW="${BENCH_COLD_WINDOW:-5}"
EVENT_LOOPS="${BENCH_EVENT_LOOPS:-$(nproc)}"
JAVA_OPTS="${BENCH_JAVA_OPTS:--Xms512m -Xmx512m}"
AOT="${BENCH_AOT:-false}"
# The launcher's JVM (the in-process broker): C1 only. It lives minutes, and its C2 compiles were the largest compile
# load of the admission window in four of five runs (docs/performance.md, 2026-12-02); "" gives the JVM's default.
BROKER_JAVA_OPTS="${BENCH_BROKER_JAVA_OPTS--XX:TieredStopAtLevel=1}"
SERVICE_JAVA_OPTS="${BENCH_SERVICE_JAVA_OPTS--XX:Tier4LoadFeedback=1000}"
TOKENS_PER_RUN="${BENCH_TOKENS_PER_RUN:-120000}"
ADMIT_STOCK="${BENCH_ADMIT_STOCK:-2000000}"
SOLDOUT_STOCK="${BENCH_SOLDOUT_STOCK:-100}"
BACKLOG="${BENCH_BACKLOG:-true}"
BACKLOG_DURATION="${BENCH_BACKLOG_DURATION:-5}"
PG_CLIENTS="${BENCH_PG_CLIENTS:-2}"
PG_BATCH="${BENCH_PG_BATCH:-500}"
PG_DURATION="${BENCH_PG_DURATION:-5}"
DRAIN_TIMEOUT="${BENCH_DRAIN_TIMEOUT:-90}"
GATLING="${BENCH_GATLING:-false}"
GATLING_DURATION="${BENCH_GATLING_DURATION:-20}"
GATEWAY_PORT="${BENCH_GATEWAY_PORT:-18080}"
STOCK_PORT="${BENCH_STOCK_PORT:-18081}"
CONSUMER_PORT="${BENCH_CONSUMER_PORT:-18082}"
GATEWAY_MANAGEMENT_PORT="${BENCH_GATEWAY_MANAGEMENT_PORT:-19080}"
STOCK_MANAGEMENT_PORT="${BENCH_STOCK_MANAGEMENT_PORT:-19081}"
CEILING_PORT="${BENCH_CEILING_PORT:-18090}"
USE_RUNNING="${BENCH_USE_RUNNING:-false}"
PG_BATCHES="${BENCH_PG_BATCHES-1 10 100 500 1000}"
REDIS_MODE="${BENCH_REDIS:-standalone}"
REDIS_PORT="${BENCH_REDIS_PORT:-16379}"
REDIS_CLUSTER_PORT="${BENCH_REDIS_CLUSTER_PORT:-17001}"
REDIS_SHARDS="${BENCH_REDIS_SHARDS:-3}"
BUCKETS="${BENCH_BUCKETS:-1}"
KAFKA_SAMPLE="${BENCH_KAFKA_SAMPLE:-20000}"

RUN="$ROOT/.local/bench/$(date +%Y%m%d-%H%M%S)"
ACKED="$RUN/acked"
TOKENS="$RUN/tokens"
mkdir -p "$ACKED" "$TOKENS" "$RUN/logs"
FACTS="$RUN/facts.properties"
: >"$FACTS"
LOAD_JAR="$ROOT/load-test/target/seckill-load-test.jar"
LUA="$ROOT/scripts/bench/shoppers.lua"
STARTED_AT=$(date +%s)
[[ "$REDIS_MODE" == standalone || "$REDIS_MODE" == cluster ]] || { echo "BENCH_REDIS must be standalone or cluster, not '$REDIS_MODE'" >&2; exit 3; }
[[ "$BUCKETS" =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_BUCKETS must be a positive integer, not '$BUCKETS'" >&2; exit 3; }
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"

log() { printf '%s bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 3; }
fact() { printf '%s=%s\n' "$1" "$2" >>"$FACTS"; }
# The clock, in seconds since the epoch: bash's own, so reading it forks nothing (clock sets CLOCK; now prints it).
clock() { CLOCK="${EPOCHREALTIME/,/.}"; }
now() { clock; printf '%s\n' "$CLOCK"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# ---------------------------------------------------------------- cleanup: stop what we started
PIDS=()
CONSUMER_PID=""
GATEWAY_PID=""
STOCK_PID=""
LAUNCHER_PID=""
STARTED_PID=""
MINT_PID=""
SCRATCH_DB=""
SCRATCH_SERVER_URL=""
RUN_DB=""
RUN_DB_SERVER_URL=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  [[ ${#PIDS[@]} -gt 0 ]] && log "stopped the processes it started (logs in $RUN/logs)"
  # The databases go last, once nothing is connected to them any more.
  if [[ -n "$SCRATCH_DB" ]]; then
    java -cp "$LOAD_JAR" io.seckill.loadtest.ScratchDatabase drop "$SCRATCH_SERVER_URL" "$SCRATCH_DB" >/dev/null 2>&1 || true
  fi
  if [[ -n "$RUN_DB" ]]; then
    java -cp "$LOAD_JAR" io.seckill.loadtest.ScratchDatabase drop "$RUN_DB_SERVER_URL" "$RUN_DB" >/dev/null 2>&1 || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- tools
need_apt() { # package: installs it, or says why it cannot
  if [[ $(id -u) -ne 0 ]]; then die "$1 is missing and this is not root: install it (apt-get install $1)"; fi
  log "installing $1 (apt-get) ..."
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$1"; } >"$RUN/logs/apt-$1.log" 2>&1 \
    || die "apt-get install $1 failed, see $RUN/logs/apt-$1.log"
}
command -v java >/dev/null || die "java is not on the PATH (JDK 17+ needed)"
if [[ "$AOT" == true ]]; then
  (( $(java -XshowSettings:properties -version 2>&1 | sed -nE 's/^\s*java.specification.version = ([0-9]+).*/\1/p') >= 25 )) \
    || die "BENCH_AOT=true needs JDK 25 or later as java on the PATH (JAVA_HOME/bin first)"
fi
command -v curl >/dev/null || need_apt curl
command -v wrk >/dev/null || need_apt wrk
command -v psql >/dev/null && command -v pgbench >/dev/null || need_apt postgresql-client
if [[ "$REDIS_MODE" == cluster && "$USE_RUNNING" != true ]]; then
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || need_apt redis-server
fi

JARS=(launcher/target/seckill-launcher.jar stock-service/target/seckill-stock-service.jar
      order-consumer/target/seckill-order-consumer.jar gateway/target/seckill-gateway.jar "$LOAD_JAR")
# A jar older than any source would measure code that is no longer there: rebuild then too.
stale=""
for jar in "${JARS[@]}"; do [[ -f "$jar" ]] || stale="$jar is missing"; done
if [[ -z "$stale" ]]; then
  oldest="$(ls -t "${JARS[@]}" | tail -1)"
  newer="$(find pom.xml ./*/pom.xml ./*/src -newer "$oldest" -type f -print -quit 2>/dev/null)"
  [[ -n "$newer" ]] && stale="$newer is newer than $oldest"
fi
if [[ -n "$stale" ]]; then
  command -v mvn >/dev/null || die "$stale and mvn is not on the PATH"
  log "building the jars (mvn -B -q -DskipTests package): $stale ..."
  mvn -B -q -DskipTests package >"$RUN/logs/build.log" 2>&1 || { tail -30 "$RUN/logs/build.log"; die "build failed, see $RUN/logs/build.log"; }
fi

wait_http() { # name url seconds pid
  local name="$1" url="$2" seconds="$3" pid="$4"
  for _ in $(seq 1 $((seconds * 5))); do
    [[ -z "$pid" ]] || kill -0 "$pid" 2>/dev/null || { tail -20 "$RUN/logs/$name.log" >&2; die "$name exited during start, see $RUN/logs/$name.log"; }
    # Bounded: a service that accepted the connection but never answers must not hang the bench.
    curl -fsS -m 5 -o /dev/null "$url" 2>/dev/null && return 0
    sleep 0.2
  done
  die "$name not ready after ${seconds}s, see $RUN/logs/$name.log"
}

# ---------------------------------------------------------------- Redis the bench starts itself
# Its own Redis, not the machine's shared one: the cost figures difference Redis' counters (INFO
# commandstats, INFO cpu) across a phase, which another client's commands would inflate.
port_taken() { (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
start_redis() { # port dir [redis-server args...]
  local port="$1" dir="$2"; shift 2
  port_taken "$port" && die "port $port is taken: set BENCH_REDIS_PORT / BENCH_REDIS_CLUSTER_PORT"
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" "$@" \
    >"$RUN/logs/redis-$port.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    [[ "$(redis-cli -p "$port" ping 2>/dev/null)" == PONG ]] && return 0
    sleep 0.1
  done
  die "redis-server on port $port did not answer PING, see $RUN/logs/redis-$port.log"
}
start_redis_cluster() { # -> REDIS_CLUSTER_URLS: SECKILL_REDIS_URL of every primary, comma-separated
  local nodes=() urls=() port i
  for ((i = 0; i < REDIS_SHARDS; i++)); do
    port=$((REDIS_CLUSTER_PORT + i))
    port_taken $((port + 10000)) && die "cluster bus port $((port + 10000)) is taken: set BENCH_REDIS_CLUSTER_PORT"
    start_redis "$port" "$RUN/redis-cluster" --cluster-enabled yes --cluster-config-file "nodes-$port.conf" \
      --cluster-node-timeout 2000
    nodes+=("127.0.0.1:$port"); urls+=("redis://127.0.0.1:$port")
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$RUN/logs/redis-cluster-create.log" 2>&1 \
    || die "redis-cli --cluster create failed, see $RUN/logs/redis-cluster-create.log"
  for node in "${nodes[@]}"; do
    for _ in $(seq 1 200); do
      redis-cli -p "${node#*:}" cluster info 2>/dev/null | grep -q 'cluster_state:ok' && break
      sleep 0.1
    done
    redis-cli -p "${node#*:}" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || die "Redis Cluster node $node not ok after 20 s"
  done
  REDIS_CLUSTER_URLS="$(IFS=,; echo "${urls[*]}")"
}

# ---------------------------------------------------------------- the stack
url_port() { local rest="${1#*://}"; rest="${rest%%/*}"; if [[ "$rest" == *:* ]]; then echo "${rest##*:}"; fi; }
pid_on_port() { # port -> pid of the process listening on it, empty if unknown (needs ss and the right to see it)
  [[ -n "$1" ]] && command -v ss >/dev/null || return 0
  ss -Hltnp "sport = :$1" 2>/dev/null | sed -nE 's/.*pid=([0-9]+).*/\1/p' | head -1
}
secret() { head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | cut -c1-48; }
aot_opts() { # jar -> the JVM option that uses its AOT cache (BENCH_AOT=true, once trained), else nothing
  local cache="$RUN/aot/$(basename "$1" .jar).aot"
  if [[ "$AOT" == true && -s "$cache" ]]; then echo "-XX:AOTCache=$cache"; fi
}
start_service() { # name jar management-port [api-port]; readiness is on the management port
  local name="$1" jar="$2" management="$3" port="${4:-}"
  # shellcheck disable=SC2086
  env ${port:+SECKILL_HTTP_PORT="$port"} SECKILL_MANAGEMENT_PORT="$management" \
    java $JAVA_OPTS $SERVICE_JAVA_OPTS ${TRAINING_OPTS:-$(aot_opts "$jar")} -jar "$jar" \
    >"$RUN/logs/$name.log" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  wait_http "$name" "http://127.0.0.1:$management/health/ready" 90 "$STARTED_PID"
}
stop_pid() { # pid: SIGTERM, then up to 15 s for a graceful stop; forgets the pid
  if kill -TERM "$1" 2>/dev/null; then
    for _ in $(seq 1 150); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
  fi
  local kept=() pid
  for pid in "${PIDS[@]}"; do [[ "$pid" == "$1" ]] || kept+=("$pid"); done
  PIDS=("${kept[@]}")
}

aot_train() { # BENCH_AOT=true: one training run per service, its start-up warm-up, before the measured stack
  local started; started="$(date +%s)"; mkdir -p "$RUN/aot"
  log "aot: training runs (-XX:AOTCacheOutput): each service starts, warms up, and stops ..."
  local svc name jar mgmt port pid
  for svc in "stock-service:$STOCK_MANAGEMENT_PORT:$STOCK_PORT" "order-consumer:$CONSUMER_PORT:" \
             "gateway:$GATEWAY_MANAGEMENT_PORT:$GATEWAY_PORT"; do
    IFS=: read -r name mgmt port <<<"$svc"
    jar="$name/target/seckill-$name.jar"
    SECKILL_STOCK_SERVICE_URL="http://127.0.0.1:$STOCK_PORT" TRAINING_OPTS="-XX:AOTCacheOutput=$RUN/aot/seckill-$name.aot" \
      start_service "$name-aot-training" "$jar" "$mgmt" "$port"
    pid="$STARTED_PID"
    kill -TERM "$pid" 2>/dev/null || true
    # The cache is assembled at exit (a child JVM): give it time before stop_pid's SIGKILL.
    for _ in $(seq 1 1200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    stop_pid "$pid"
    [[ -s "$RUN/aot/seckill-$name.aot" ]] || die "aot: no cache written for $name (see $RUN/logs/$name-aot-training.log)"
  done
  fact setting.aot_training_s "$(( $(date +%s) - started ))"
  log "aot: caches $(du -ch "$RUN"/aot/*.aot | tail -1 | cut -f1) in $(( $(date +%s) - started )) s"
}
mint_all() { # every phase's shoppers, one JVM, in the background while the stack starts
  local specs=(--file probe:bench-p-:1 --file ceiling:bench-c-:50000 --file warmup:bench-w-:"$WARMUP_TOKENS"
               --file backlog:bench-b-:"$TOKENS_PER_RUN" --file fill:bench-f-:20000)
  [[ "$COLD_OPEN" != true || "$USE_RUNNING" == true ]] || specs+=(--file cold:bench-o-:"$TOKENS_PER_RUN")
  for r in $(seq 1 "$REPEATS"); do
    specs+=(--file "admit-$r:bench-a$r-:$TOKENS_PER_RUN" --file "soldout-$r:bench-s$r-:$TOKENS_PER_RUN")
  done
  java -cp "$LOAD_JAR" io.seckill.loadtest.MintTokens --out-dir "$TOKENS" --ttl-seconds 3600 "${specs[@]}"
}

if [[ "$USE_RUNNING" == true ]]; then
  [[ -f .local/env && -f .local/infra.env ]] || die "BENCH_USE_RUNNING=true but no .local/env from scripts/run-local.sh"
  set -a; source .local/infra.env; source .local/env; set +a
  GATEWAY_URL="$SECKILL_GATEWAY_URL"; STOCK_URL="$SECKILL_STOCK_URL"
  BACKLOG=false
  [[ "$REDIS_MODE" == "${SECKILL_REDIS_MODE:-standalone}" ]] || log "BENCH_REDIS=$REDIS_MODE ignored: the running stack's Redis is ${SECKILL_REDIS_MODE:-standalone}"
  REDIS_MODE="${SECKILL_REDIS_MODE:-standalone}"
  REDIS_DESCRIPTION="the running stack's (${SECKILL_INFRA_REDIS:-$REDIS_MODE})"
  # The JVMs whose CPU the cost figures read: whatever listens on the stack's ports (ss -ltnp).
  GATEWAY_PID="$(pid_on_port "$(url_port "$GATEWAY_URL")")"
  CONSUMER_PID="$(pid_on_port "$(url_port "${SECKILL_CONSUMER_URL:-}")")"
  STOCK_PID="$(pid_on_port "$(url_port "$STOCK_URL")")"
  LAUNCHER_PID="$(pid_on_port "${SECKILL_KAFKA_BOOTSTRAP##*:}")"
  export SECKILL_JWT_SECRET
  log "minting shoppers' JWTs ($TOKENS_PER_RUN per run) ..."
  mint_all & MINT_PID=$!
  log "using the running stack: gateway $GATEWAY_URL (its rate limits apply: raise SECKILL_RATE_IP_PER_S for a fair figure)"
else
  export SECKILL_JWT_SECRET SECKILL_ADMIN_TOKEN SECKILL_CANCEL_TOKEN SECKILL_PAYMENT_SECRET
  SECKILL_JWT_SECRET="$(secret)"; SECKILL_ADMIN_TOKEN="$(secret)"; SECKILL_CANCEL_TOKEN="$(secret)"; SECKILL_PAYMENT_SECRET="$(secret)"
  # The bench is one client IP hammering on purpose: lift the per-IP limiter (the check still runs).
  log "minting shoppers' JWTs ($TOKENS_PER_RUN per run) while the stack starts ..."
  mint_all & MINT_PID=$!
  export SECKILL_RATE_IP_PER_S=10000000 SECKILL_RATE_IP_BURST=10000000 SECKILL_EVENT_LOOPS="$EVENT_LOOPS"
  REDIS_DESCRIPTION=""
  if [[ "$REDIS_MODE" == cluster ]]; then
    log "starting a Redis Cluster of $REDIS_SHARDS primaries on ports $REDIS_CLUSTER_PORT-$((REDIS_CLUSTER_PORT + REDIS_SHARDS - 1)) ..."
    start_redis_cluster
    REDIS_DESCRIPTION="cluster of $REDIS_SHARDS primaries started by the bench ($REDIS_CLUSTER_URLS)"
  elif [[ -z "${SECKILL_REDIS_URL:-}" ]] && command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
    start_redis "$REDIS_PORT" "$RUN/redis"
    export SECKILL_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
    REDIS_DESCRIPTION="redis-server started by the bench on port $REDIS_PORT"
  else
    log "Redis: the launcher's (${SECKILL_REDIS_URL:-no redis-server on the PATH}); its counters may include other clients"
  fi
  log "starting infrastructure (launcher: Redis, PostgreSQL, in-process Kafka) ..."
  # In cluster mode the launcher resolves a Redis of its own as usual; only the services get the cluster.
  if [[ "$REDIS_MODE" == cluster ]]; then
    env -u SECKILL_REDIS_URL -u SECKILL_REDIS_MODE java $BROKER_JAVA_OPTS -jar launcher/target/seckill-launcher.jar "$RUN/infra.env" >"$RUN/logs/infra.log" 2>&1 &
  else
    java $BROKER_JAVA_OPTS -jar launcher/target/seckill-launcher.jar "$RUN/infra.env" >"$RUN/logs/infra.log" 2>&1 &
  fi
  LAUNCHER_PID=$!
  PIDS+=("$LAUNCHER_PID")
  for _ in $(seq 1 600); do
    [[ -f "$RUN/infra.env" ]] && break
    kill -0 "$LAUNCHER_PID" 2>/dev/null || { tail -20 "$RUN/logs/infra.log" >&2; die "infrastructure failed"; }
    sleep 0.2
  done
  [[ -f "$RUN/infra.env" ]] || die "infrastructure not ready after 120 s"
  set -a; source "$RUN/infra.env"; set +a
  # A database of the run's own, migrated, dropped on exit: the services' background work (the
  # payment-timeout sweeper, reconciliation) then reads only this run's orders, and run-local's
  # database is left alone.
  RUN_DB_SERVER_URL="$SECKILL_PG_URL"
  RUN_DB="seckill_bench_run_$$"
  SECKILL_PG_URL="$(java -cp "$LOAD_JAR" io.seckill.loadtest.ScratchDatabase create "$RUN_DB_SERVER_URL" "$RUN_DB" \
    2>"$RUN/logs/run-db.log" | tail -1)" || die "could not create the run's database (see $RUN/logs/run-db.log)"
  export SECKILL_PG_URL
  if [[ "$REDIS_MODE" == cluster ]]; then
    SECKILL_REDIS_URL="$REDIS_CLUSTER_URLS"
    export SECKILL_REDIS_MODE=cluster
  else
    export SECKILL_REDIS_MODE=standalone
    [[ -n "$REDIS_DESCRIPTION" ]] || REDIS_DESCRIPTION="the launcher's: $SECKILL_INFRA_REDIS"
  fi
  [[ "$AOT" != true ]] || aot_train
  start_service stock-service stock-service/target/seckill-stock-service.jar "$STOCK_MANAGEMENT_PORT" "$STOCK_PORT"
  STOCK_PID="$STARTED_PID"
  start_service order-consumer order-consumer/target/seckill-order-consumer.jar "$CONSUMER_PORT"
  CONSUMER_PID="$STARTED_PID"
  SECKILL_STOCK_SERVICE_URL="http://127.0.0.1:$STOCK_PORT" start_service gateway gateway/target/seckill-gateway.jar "$GATEWAY_MANAGEMENT_PORT" "$GATEWAY_PORT"
  GATEWAY_PID="$STARTED_PID"
  GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT"; STOCK_URL="http://127.0.0.1:$STOCK_PORT"
  log "stack ready: gateway $GATEWAY_URL, stock-service $STOCK_URL, order-consumer :$CONSUMER_PORT, Redis $SECKILL_REDIS_URL ($REDIS_MODE)"
fi
export SECKILL_JWT_SECRET

wait "$MINT_PID" || die "minting the shoppers' JWTs failed"
# Background work (the payment-timeout sweeper, the reconciliation) reads the orders already in the
# database: 0 in the run's own database, whatever run-local's holds with BENCH_USE_RUNNING=true.
fact setting.orders_in_db_at_start "$(psql "$SECKILL_PG_URL" -XAtqc "SELECT count(*) FROM orders" 2>/dev/null || echo unknown)"

create_sale() { # name stock requireToken [buckets] [startsAt, ISO-8601; default a minute ago] -> saleId
  local starts ends body code buckets=""
  starts="${5:-$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)}"; ends="$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)"
  # Sent only for a split sale, so one bucket works with a stock-service that does not know the field.
  (( ${4:-1} > 1 )) && buckets=",\"stockBuckets\":$4"
  body="$(curl -sS -m 30 -w '\n%{http_code}' -X POST "$STOCK_URL/admin/v1/sales" -H "Authorization: Bearer $SECKILL_ADMIN_TOKEN" \
    -H 'Content-Type: application/json' \
    -d "{\"itemName\":\"$1\",\"priceCents\":1000,\"stock\":$2,\"startsAt\":\"$starts\",\"endsAt\":\"$ends\",\"perUserLimit\":1,\"paymentTimeoutSeconds\":3600,\"requirePurchaseToken\":$3$buckets}")" \
    || die "could not create sale $1"
  code="${body##*$'\n'}"; body="${body%$'\n'*}"
  [[ "$code" == 201 ]] || die "stock-service answered $code to the creation of sale '$1'${buckets:+ with stockBuckets $4 (does this stock-service know the field?)}: $body"
  printf '%s' "$body" | sed -E 's/.*"saleId" *: *([0-9]+).*/\1/'
}
ADMIT_SALE="$(create_sale "bench admission" "$ADMIT_STOCK" false "$BUCKETS")"
SOLDOUT_SALE="$(create_sale "bench sold-out" "$SOLDOUT_STOCK" false "$BUCKETS")"
log "sales: admission $ADMIT_SALE ($ADMIT_STOCK units), sold-out $SOLDOUT_SALE ($SOLDOUT_STOCK units)$( (( BUCKETS > 1 )) && echo ", $BUCKETS stock buckets each")"

# One real purchase tells the size of the gateway's 202 answer, which the ceiling server copies.
probe_token="$(head -1 "$TOKENS/probe.tokens")"
code="$(curl -sS -m 30 -o "$RUN/probe.body" -D "$RUN/probe.headers" -w '%{http_code}' -X POST \
  "$GATEWAY_URL/api/v1/sales/$ADMIT_SALE/orders" -H "Authorization: Bearer $probe_token" \
  -H 'Content-Type: application/json' -d '{"quantity":1}')"
[[ "$code" == 202 ]] || die "probe purchase answered $code: $(cat "$RUN/probe.body")"
sed -E 's/.*"orderId" *: *"([^"]+)".*/\1/' "$RUN/probe.body" >"$ACKED/A-probe-0.ids"
BODY_BYTES=$(wc -c <"$RUN/probe.body"); HEADER_BYTES=$(wc -c <"$RUN/probe.headers")
log "the gateway's 202 is $HEADER_BYTES header + $BODY_BYTES body bytes"

# ---------------------------------------------------------------- wrk phases
wrk_run() { # label url seconds tokens-file ids-prefix [first-line] [timings-prefix] -> output file $RUN/<label>.out
  local label="$1" url="$2" seconds="$3" tokens="$4" ids="$5"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s -s "$LUA" "$url" -- "$tokens" "$ids" "$label" "$THREADS" \
    "${6:-0}" "${7:-}" >"$RUN/$label.out" 2>&1 || { cat "$RUN/$label.out" >&2; die "wrk failed in $label"; }
  grep -q BENCH_RESULT "$RUN/$label.out" || { cat "$RUN/$label.out" >&2; die "wrk printed no result in $label"; }
}
rate() { # file status-field -> per second
  sed -nE "s/.*\"duration_us\":([0-9]+).*\"$2\":([0-9]+).*/\2 \1/p" "$1" | awk '{ printf "%.0f", $1 / ($2 / 1e6) }'
}
median_rate() { # label-prefix field
  for f in "$RUN"/"$1"-[0-9]*.out; do rate "$f" "$2"; echo; done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
within_tolerance() { # previous current: both measured and apart by at most WARMUP_TOLERANCE of the larger
  awk -v a="$1" -v b="$2" -v t="$WARMUP_TOLERANCE" 'BEGIN { m = a > b ? a : b; d = a > b ? a - b : b - a; exit !(a > 0 && b > 0 && d <= t * m) }'
}
warm_up() { # phase url tokens-file ids-prefix status-field fresh-shoppers(true|false)
  # Windows of WARMUP_WINDOW s until the last two agree within WARMUP_TOLERANCE (and WARMUP s have passed),
  # bounded by WARMUP_MAX. With fresh shoppers each window starts where the previous one stopped in the
  # tokens file (a shopper who bought once would only get 200 duplicate); the others may reuse theirs.
  local phase="$1" url="$2" tokens="$3" ids="$4" field="$5" fresh="$6"
  local started k=0 prev="" cur offset=0 stopped="" spent used lines
  started="$(now)"; lines="$(wc -l <"$tokens")"
  if (( WARMUP_MAX <= WARMUP )); then
    wrk_run "$phase-warmup-1" "$url" "$WARMUP" "$tokens" "${ids}1-"
    fact "warmup.$phase.window.1" "$(rate "$RUN/$phase-warmup-1.out" "$field")"
    stopped="single run"
  else
    while :; do
      k=$((k + 1))
      wrk_run "$phase-warmup-$k" "$url" "$WARMUP_WINDOW" "$tokens" "${ids}$k-" "$offset"
      cur="$(rate "$RUN/$phase-warmup-$k.out" "$field")"
      fact "warmup.$phase.window.$k" "$cur"
      spent="$(elapsed "$started" "$(now)")"
      if [[ -n "$prev" ]] && within_tolerance "$prev" "$cur" && awk -v s="$spent" -v w="$WARMUP" 'BEGIN { exit !(s >= w) }'; then
        stopped=converged; break
      fi
      if awk -v s="$spent" -v w="$WARMUP_WINDOW" -v m="$WARMUP_MAX" 'BEGIN { exit !(s + w > m) }'; then
        stopped="time bound"; break
      fi
      if [[ "$fresh" == true ]]; then
        used="$(sed -nE 's/.*"tokens_used_max":([0-9]+).*/\1/p' "$RUN/$phase-warmup-$k.out")"
        offset=$(( offset + ${used:-0} * THREADS ))
        (( offset + ${used:-0} * THREADS <= lines )) || { stopped="tokens ran out"; break; }
      fi
      prev="$cur"
    done
  fi
  fact "warmup.$phase.seconds" "$(elapsed "$started" "$(now)")"; fact "warmup.$phase.stopped" "$stopped"
  log "$phase warm-up: $stopped after $(elapsed "$started" "$(now)") s, windows/s: $(sed -nE "s/^warmup\.$phase\.window\.[0-9]+=//p" "$FACTS" | tr '\n' ' ')"
}

# ---------------------------------------------------------------- cost snapshots (StageCosts does the arithmetic)
proc_ticks() { # pid -> utime + stime in clock ticks (fields 14 and 15 of /proc/<pid>/stat; comm may hold spaces)
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || true
}
cpu_pid() { # process name -> its pid now
  case "$1" in
    gateway) echo "$GATEWAY_PID" ;; stock_service) echo "$STOCK_PID" ;;
    order_consumer) echo "$CONSUMER_PID" ;; kafka_broker) echo "$LAUNCHER_PID" ;;
  esac
}
cpu_snapshot() { # phase before|after: CPU ticks of the services, the broker (the launcher's JVM), the database's
                 # backends (per pid: StageCosts sums those present in both snapshots), every core
  local name pid ticks
  # /proc/stat "cpu" line: user nice system idle iowait irq softirq steal (guest is inside user)
  read -r _ user nice system idle iowait irq softirq steal _ </proc/stat
  fact "cpu.machine.$1.$2_ticks" $((user + nice + system + irq + softirq))
  fact "cpu.machine_steal.$1.$2_ticks" "$steal"
  fact "cpu.machine_total.$1.$2_ticks" $((user + nice + system + idle + iowait + irq + softirq + steal))
  local backend backends
  backends="$(psql "$SECKILL_PG_URL" -XAtqc "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()" 2>/dev/null || true)"
  [[ -n "$backends" ]] || fact cpu.postgres.unavailable "no backend of the bench's database in pg_stat_activity (or psql failed)"
  for backend in $backends; do
    ticks="$(proc_ticks "$backend")"
    if [[ -n "$ticks" ]]; then fact "cpu.postgres.$1.$2.$backend" "$ticks"; fi
  done
  for name in gateway stock_service order_consumer kafka_broker; do
    pid="$(cpu_pid "$name")"
    if [[ -z "$pid" ]]; then
      fact "cpu.$name.unavailable" "no pid found (BENCH_USE_RUNNING: nothing seen listening on its port with ss -ltnp)"
      continue
    fi
    ticks="$(proc_ticks "$pid")"
    if [[ -n "$ticks" ]]; then fact "cpu.$name.$1.$2_ticks" "$ticks"; else fact "cpu.$name.unavailable" "/proc/$pid/stat not readable"; fi
  done
}
jit_jvms() { # [extra name=pid ...] -> the --jvm arguments of JitCounters for every JVM the bench knows
  local name pid
  for name in gateway stock_service order_consumer kafka_broker; do
    pid="$(cpu_pid "$name")"
    [[ -z "$pid" ]] || printf -- '--jvm %s=%s ' "$name" "$pid"
  done
  for extra in "$@"; do printf -- '--jvm %s ' "$extra"; done
}
jit_snapshot() { # label [extra name=pid ...]: cumulative JIT time of every JVM, as facts jit.<label>.*
  local label="$1"; shift
  # shellcheck disable=SC2046
  java -Xmx64m -cp "$LOAD_JAR" io.seckill.loadtest.JitCounters $(jit_jvms "$@") --sample "$label" >>"$FACTS" 2>>"$RUN/logs/jit.log" \
    || log "JIT sample $label failed, see $RUN/logs/jit.log"
}
buyers_snapshot() { # label saleId: HLEN of the sale's buyers hash, to count the reservations made in a phase
  local n
  n="$(java -cp "$LOAD_JAR" io.seckill.loadtest.ReservationCount "$SECKILL_REDIS_URL" "$2" "$REDIS_MODE" 2>>"$RUN/logs/reservations.log" \
    | grep -E '^[0-9]+$')" && fact "reserved.$1" "$n"
}
redis_snapshot() { # label: INFO commandstats + cpu of every Redis node, as facts redis.<label>.n<i>.*
  local out
  if out="$(java -cp "$LOAD_JAR" io.seckill.loadtest.RedisSnapshot "$1" "$SECKILL_REDIS_URL" 2>>"$RUN/logs/redis-snapshot.log")"; then
    printf '%s\n' "$out" | grep -E '^redis\.' >>"$FACTS" || true
  else
    fact redis.unavailable "INFO failed at $1, see logs/redis-snapshot.log"
  fi
}

log "ceiling: bare Vert.x server, $EVENT_LOOPS event loops, same answer size and wrk load ..."
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$LOAD_JAR" io.seckill.loadtest.CeilingServer --port "$CEILING_PORT" --event-loops "$EVENT_LOOPS" \
  --body-bytes "$BODY_BYTES" --header-bytes "$HEADER_BYTES" >"$RUN/logs/ceiling.log" 2>&1 &
CEILING_PID=$!
PIDS+=("$CEILING_PID")
for _ in $(seq 1 100); do grep -q listening "$RUN/logs/ceiling.log" && break; sleep 0.1; done
grep -q listening "$RUN/logs/ceiling.log" || die "ceiling server did not start, see $RUN/logs/ceiling.log"
CEILING_URL="http://127.0.0.1:$CEILING_PORT/api/v1/sales/$ADMIT_SALE/orders"
warm_up ceiling "$CEILING_URL" "$TOKENS/ceiling.tokens" "$RUN/ceiling-ids-warmup" status_202 false
jit_snapshot ceiling.before "ceiling=$CEILING_PID"
for r in $(seq 1 "$REPEATS"); do
  wrk_run "ceiling-$r" "$CEILING_URL" "$DURATION" "$TOKENS/ceiling.tokens" "$RUN/ceiling-ids-"
done
jit_snapshot ceiling.after "ceiling=$CEILING_PID"
stop_pid "$CEILING_PID"
log "ceiling: $(median_rate ceiling status_202) answers/s (median of $REPEATS)"

# How many of a sale's orders PostgreSQL holds, polled every 50-100 ms while the consumer drains, through one
# psql session kept open for the run: a psql per poll costs tens of ms of CPU (process start, a backend fork),
# and count(*) on orders is a sequential scan of every sale's orders (parallel: 100-180 ms on both cores at 300k
# rows), so the polls took about a core from the consumer they timed. The figure is the sale's units taken in
# PostgreSQL (initial_stock - remaining), which the consumer moves in the transaction that inserts the orders:
# every bench order is one unit, nothing is paid and no payment times out within a run (3600 s), so it counts the
# live orders exactly; FAILED rows hold no stock and are not counted. The invariants check the rows themselves.
PERSISTED=-1
pg_poll() { # sql -> PERSISTED: the query's last output line, -1 when it failed or returned nothing
  local line
  PERSISTED=-1
  if [[ -z "${PG_POLL_PID:-}" ]] || ! kill -0 "$PG_POLL_PID" 2>/dev/null; then
    coproc PG_POLL { exec psql "$SECKILL_PG_URL" -XAtq 2>>"$RUN/logs/pg-poll.log"; }
    PIDS+=("$PG_POLL_PID")
  fi
  # \echo marks the end of the answer, so a failed query (nothing on stdout) never waits for a timeout.
  printf '%s\n\\echo __end__\n' "$1" >&"${PG_POLL[1]}" 2>/dev/null || return 0
  while read -r -t 30 line <&"${PG_POLL[0]}"; do
    [[ "$line" == __end__ ]] && return 0
    [[ -n "$line" ]] && PERSISTED="$line"
  done
}
orders_in_db() { # saleId -> PERSISTED (not printed: the session's pipes are not open in a $(...) subshell)
  pg_poll "SELECT initial_stock - remaining FROM sale WHERE sale_id = $1;"
}
# The poll loops fork nothing: a fork and exec (sleep, date) costs about 9 ms of CPU on this 2-core VM, so a
# sleep every 50 ms alone took 0.14 of a core. nap waits on a pipe nobody writes to; the clock is bash's own.
exec {NAP_FD}<> <(:)
nap() { read -r -t "$1" -u "$NAP_FD" || true; }
reserved_count() { # saleId ids-prefix: reservations Redis made (HLEN of the sale's buyers hash)
  local hlen acked
  hlen="$(java -cp "$LOAD_JAR" io.seckill.loadtest.ReservationCount "$SECKILL_REDIS_URL" "$1" "$REDIS_MODE" 2>>"$RUN/logs/reservations.log" \
    | grep -E '^[0-9]+$')" || die "cannot read the reservations of sale $1 from Redis, see $RUN/logs/reservations.log"
  # Never below the 202s the shoppers got: a bucketed sale may keep its buyers under other keys than RedisKeys.buyers.
  acked="$(cat "$ACKED/$2"*.ids 2>/dev/null | wc -l)"
  echo $(( hlen > acked ? hlen : acked ))
}
wait_persisted() { # saleId target timeout-s -> PERSISTED_AT (seconds since the epoch) and PERSISTED when reached
  local sale="$1" target="$2" deadline=$(( EPOCHSECONDS + $3 ))
  while :; do
    orders_in_db "$sale"; clock; PERSISTED_AT="$CLOCK"
    (( PERSISTED >= target )) && return 0
    (( EPOCHSECONDS < deadline )) || { log "only $PERSISTED of $target orders of sale $sale in PostgreSQL after $3 s"; return 1; }
    nap 0.1
  done
}

ADMIT_URL="$GATEWAY_URL/api/v1/sales/$ADMIT_SALE/orders"
log "cost: CPU sampled from /proc/<pid>/stat of gateway ${GATEWAY_PID:-?}, stock-service ${STOCK_PID:-?}, order-consumer ${CONSUMER_PID:-?}, broker (launcher) ${LAUNCHER_PID:-?}, the PostgreSQL backends of its database; Redis INFO of $SECKILL_REDIS_URL"
log "admission: sale $ADMIT_SALE, $REPEATS x ${DURATION}s after a warm-up until stable (${WARMUP_WINDOW}s windows, ${WARMUP}-${WARMUP_MAX}s), distinct shoppers ..."
admission_started="$(now)"
warm_up admit "$ADMIT_URL" "$TOKENS/warmup.tokens" "$ACKED/A-warmup" status_202 true
# The JIT samples bracket the counters' snapshots: the window they measure is the repetitions plus about a
# second of snapshot tools, which makes the compile share a little lower than over the repetitions alone.
jit_snapshot admit.before
redis_snapshot admit.before
buyers_snapshot admit.before "$ADMIT_SALE"
# Does the consumer keep pace? The orders persisted over the same wall-clock window as the reservations
# counted by buyers_snapshot (no admission runs between a snapshot and the repetitions it brackets).
orders_in_db "$ADMIT_SALE"; drain_window_base="$PERSISTED"; drain_window_started="$(now)"
cpu_snapshot admit before
for r in $(seq 1 "$REPEATS"); do
  wrk_run "admit-$r" "$ADMIT_URL" "$DURATION" "$TOKENS/admit-$r.tokens" "$ACKED/A-admit$r-"
done
cpu_snapshot admit after
orders_in_db "$ADMIT_SALE"; drain_window_end="$PERSISTED"; drain_window_ended="$(now)"
redis_snapshot admit.after
buyers_snapshot admit.after "$ADMIT_SALE"
jit_snapshot admit.after
ADMIT_RPS="$(median_rate admit status_202)"
log "admission: $ADMIT_RPS admitted/s (median); waiting for the consumer to persist them ..."
# The target is every reservation Redis made, not only the 202s wrk read: wrk stops at its deadline
# with up to one request per connection unanswered, and those orders are admitted all the same.
target="$(reserved_count "$ADMIT_SALE" A-)"
wait_persisted "$ADMIT_SALE" "$target" "$DRAIN_TIMEOUT" || true
drained_at="$PERSISTED_AT"; drained="$PERSISTED"
fact drain_orders "$drained"; fact drain_seconds "$(elapsed "$admission_started" "$drained_at")"
fact drain_window_orders "$(( drain_window_end - drain_window_base ))"
fact drain_window_seconds "$(elapsed "$drain_window_started" "$drain_window_ended")"
fact drain_lag_seconds "$(elapsed "$drain_window_ended" "$drained_at")"
log "drain: $drained of $target reserved orders persisted $(elapsed "$admission_started" "$drained_at") s after the first admission"

if [[ "$BACKLOG" == true ]]; then
  log "backlog: stopping the consumer, ${BACKLOG_DURATION}s admission burst, restarting it ..."
  stop_pid "$CONSUMER_PID"
  orders_in_db "$ADMIT_SALE"; base="$PERSISTED"
  wrk_run backlog "$ADMIT_URL" "$BACKLOG_DURATION" "$TOKENS/backlog.tokens" "$ACKED/A-backlog-"
  target="$(reserved_count "$ADMIT_SALE" A-)"
  # shellcheck disable=SC2086
  # SECKILL_CONSUMER_WARMUP_SKIP_BACKLOG=0: the restarted consumer warms up before it drains, as before, so the figure
  # stays a warm consumer's capacity; by default one restarted on a backlog skips its warm-up and drains at once.
  SECKILL_CONSUMER_WARMUP_SKIP_BACKLOG=0 SECKILL_MANAGEMENT_PORT="$CONSUMER_PORT" java $JAVA_OPTS $SERVICE_JAVA_OPTS $(aot_opts order-consumer/target/seckill-order-consumer.jar) \
    -jar order-consumer/target/seckill-order-consumer.jar \
    >"$RUN/logs/order-consumer-2.log" 2>&1 &
  CONSUMER_PID=$!
  PIDS+=("$CONSUMER_PID")
  # What each process spends per order of the drain (cost.cpu_us_per_backlog_order, cost.redis.backlog): from
  # the restart to the last order, so the consumer's figure includes its start; the others' include whatever
  # runs beside the drain (stock-service's reconciler reads every pending order each pass).
  cpu_snapshot backlog before
  redis_snapshot backlog.before
  # Timed from the first batch seen in PostgreSQL, so JVM start and group join are not counted.
  first_at=""; first_count=0; deadline=$(( EPOCHSECONDS + DRAIN_TIMEOUT ))
  while (( EPOCHSECONDS < deadline )); do
    orders_in_db "$ADMIT_SALE"; c="$PERSISTED"; clock
    if [[ -z "$first_at" ]] && (( c > base )); then first_at="$CLOCK"; first_count="$c"; fi
    if (( c >= target )); then break; fi
    nap 0.05
  done
  clock; last_at="$CLOCK"
  cpu_snapshot backlog after
  redis_snapshot backlog.after
  fact backlog.cost_orders $(( c - base ))
  fact backlog_orders $(( c - first_count )); fact backlog_seconds "$(elapsed "${first_at:-$last_at}" "$last_at")"
  log "backlog: $((target - base)) queued orders; $((c - first_count)) persisted in $(elapsed "${first_at:-$last_at}" "$last_at") s after the first batch"
  wait_http order-consumer "http://127.0.0.1:$CONSUMER_PORT/health/ready" 60 "$CONSUMER_PID"
fi

SOLDOUT_URL="$GATEWAY_URL/api/v1/sales/$SOLDOUT_SALE/orders"
log "sold-out: selling out sale $SOLDOUT_SALE ($SOLDOUT_STOCK units), then $REPEATS x ${DURATION}s of distinct shoppers ..."
wrk_run soldout-fill "$SOLDOUT_URL" 2 "$TOKENS/fill.tokens" "$ACKED/B-fill-"
grep -q '"sold_out":[1-9]' "$RUN/soldout-fill.out" || die "sale $SOLDOUT_SALE did not sell out during the fill run"
# The ceiling's shoppers never bought anything from the gateway: reused, they are still refused SOLD_OUT.
warm_up soldout "$SOLDOUT_URL" "$TOKENS/ceiling.tokens" "$ACKED/B-warmup" sold_out false
jit_snapshot soldout.before
redis_snapshot soldout.before
cpu_snapshot soldout before
for r in $(seq 1 "$REPEATS"); do
  wrk_run "soldout-$r" "$SOLDOUT_URL" "$DURATION" "$TOKENS/soldout-$r.tokens" "$ACKED/B-soldout$r-"
done
cpu_snapshot soldout after
redis_snapshot soldout.after
jit_snapshot soldout.after
log "sold-out: $(median_rate soldout sold_out) rejections/s (median)"

# ---------------------------------------------------------------- Kafka bytes per order
KAFKA_TOPIC="${SECKILL_ORDERS_TOPIC:-seckill.orders}"
log "kafka: size of $KAFKA_TOPIC on the broker ($SECKILL_KAFKA_BOOTSTRAP), $KAFKA_SAMPLE records read back ..."
if kafka_out="$(java -cp "$LOAD_JAR" io.seckill.loadtest.KafkaTopicSize "$SECKILL_KAFKA_BOOTSTRAP" "$KAFKA_TOPIC" "$KAFKA_SAMPLE" \
    2>"$RUN/logs/kafka-size.log")"; then
  printf '%s\n' "$kafka_out" | grep -E '^kafka\.[a-z_]+=' >>"$FACTS" || true
else
  fact kafka.unavailable "reading the topic failed, see logs/kafka-size.log"
fi

# ---------------------------------------------------------------- PostgreSQL ceiling
SCRATCH_SERVER_URL="$SECKILL_PG_URL"
SCRATCH_DB="seckill_bench_pg_$$"
pg_batches=("$PG_BATCH")
for b in $PG_BATCHES; do [[ " ${pg_batches[*]} " == *" $b "* ]] || pg_batches+=("$b"); done
mapfile -t pg_batches < <(printf '%s\n' "${pg_batches[@]}" | sort -n)
log "pg ceiling: pgbench, $PG_CLIENTS clients, batches of ${pg_batches[*]} (ceiling at $PG_BATCH), $REPEATS x ${PG_DURATION}s each, scratch database $SCRATCH_DB ..."
scratch_url="$(java -cp "$LOAD_JAR" io.seckill.loadtest.ScratchDatabase create "$SCRATCH_SERVER_URL" "$SCRATCH_DB" 2>"$RUN/logs/scratch.log" | tail -1)"
[[ "$scratch_url" == postgresql://* ]] || die "could not create the scratch database, see $RUN/logs/scratch.log"
pg_sale="$(psql "$scratch_url" -XAtqc "INSERT INTO sale (item_name, price_cents, initial_stock, remaining, per_user_limit, starts_at, ends_at, payment_timeout_s) VALUES ('pgbench', 1000, 2000000000, 2000000000, 1, now(), now() + interval '1 hour', 3600) RETURNING sale_id")"
# Rounds over the batch sizes rather than one size after another: the table grows during the sweep,
# and each size then sees the same mix of table sizes.
for r in $(seq 1 "$REPEATS"); do
  for b in "${pg_batches[@]}"; do
    if [[ "$b" == "$PG_BATCH" ]]; then out="$RUN/pgbench-$r.out"; else out="$RUN/pgbench-b$b-$r.out"; fi
    pgbench -n -f scripts/bench/pg-batch-insert.sql -D sale="$pg_sale" -D batch="$b" -c "$PG_CLIENTS" -j "$PG_CLIENTS" \
      -T "$PG_DURATION" "$scratch_url" >"$out" 2>&1 || { cat "$out" >&2; die "pgbench failed"; }
    tps="$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' "$out" | head -1)"
    fact "pg_sweep.$b.tps.$r" "$tps"
    if [[ "$b" == "$PG_BATCH" ]]; then fact "pg_tps.$r" "$tps"; fi
  done
done
java -cp "$LOAD_JAR" io.seckill.loadtest.ScratchDatabase drop "$SCRATCH_SERVER_URL" "$SCRATCH_DB" >/dev/null 2>&1 && SCRATCH_DB=""

# ---------------------------------------------------------------- optional Gatling shopper flow
if [[ "$GATLING" == true ]]; then
  source "$ROOT/scripts/bench/gatling-phase.sh"
fi

# ---------------------------------------------------------------- cold open
source "$ROOT/scripts/bench/cold-open-phase.sh"

# ---------------------------------------------------------------- invariants
log "invariants: waiting for every acknowledged order, then reading PostgreSQL and Redis ..."
wait_persisted "$ADMIT_SALE" "$(reserved_count "$ADMIT_SALE" A-)" "$DRAIN_TIMEOUT" || true
wait_persisted "$SOLDOUT_SALE" "$(reserved_count "$SOLDOUT_SALE" B-)" "$DRAIN_TIMEOUT" || true
[[ -z "${COLD_SALE:-}" ]] || wait_persisted "$COLD_SALE" "$(reserved_count "$COLD_SALE" D-)" "$DRAIN_TIMEOUT" || true
check() { # saleId prefix label
  java -cp "$LOAD_JAR" io.seckill.loadtest.CheckInvariants --pg "$SECKILL_PG_URL" --redis "$SECKILL_REDIS_URL" \
    --redis-mode "$REDIS_MODE" --sale "$1" --acked-dir "$ACKED" --acked-prefix "$2" >"$RUN/invariants-$3.json" 2>"$RUN/logs/invariants-$3.log" || true
  [[ -s "$RUN/invariants-$3.json" ]] || { cat "$RUN/logs/invariants-$3.log" >&2; log "invariant check of sale $1 failed to run"; }
}
check "$ADMIT_SALE" A- admission
check "$SOLDOUT_SALE" B- soldout
# Gatling's orders are not collected client-side: its sale is checked for oversell, duplicates and drift.
[[ -n "${GATLING_SALE:-}" ]] && check "$GATLING_SALE" C- gatling
[[ -n "${COLD_SALE:-}" ]] && check "$COLD_SALE" D- cold-open

# ---------------------------------------------------------------- report
fact machine.cores "$(nproc)"
fact machine.memory_mb "$(free -m | awk '/^Mem:/ { print $2 }')"
fact machine.cpu "$(sed -nE 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)"
fact machine.jdk "$(java -XshowSettings:properties -version 2>&1 | sed -nE 's/^\s*java.runtime.version = //p')"
fact machine.os "$(uname -sr)"
fact machine.loadavg_at_start "$LOAD_AT_START"
fact setting.wrk_threads "$THREADS"; fact setting.wrk_connections "$CONNECTIONS"
fact setting.duration_s "$DURATION"; fact setting.repeats "$REPEATS"; fact setting.warmup_s "$WARMUP"
fact setting.warmup_window_s "$WARMUP_WINDOW"; fact setting.warmup_max_s "$WARMUP_MAX"; fact setting.warmup_tokens "$WARMUP_TOKENS"
fact setting.warmup_tolerance "$WARMUP_TOLERANCE"; fact setting.cold_open "$COLD_OPEN"
fact setting.cold_lead_s "$COLD_LEAD"; fact setting.cold_window_s "$COLD_WINDOW"
fact setting.event_loops "$EVENT_LOOPS"; fact setting.java_opts "$JAVA_OPTS"; fact setting.aot "$AOT"
fact setting.broker_java_opts "$BROKER_JAVA_OPTS"; fact setting.service_java_opts "$SERVICE_JAVA_OPTS"
fact setting.answer_bytes "$((HEADER_BYTES + BODY_BYTES))"
fact setting.admit_sale "$ADMIT_SALE"; fact setting.admit_stock "$ADMIT_STOCK"
fact setting.soldout_sale "$SOLDOUT_SALE"; fact setting.soldout_stock "$SOLDOUT_STOCK"
fact setting.soldout_same_sale "false (a second sale with tiny stock, sold out first: the same code path)"
fact setting.pg_clients "$PG_CLIENTS"; fact setting.pg_batch "$PG_BATCH"; fact setting.pg_duration_s "$PG_DURATION"
fact setting.backlog "$BACKLOG"; fact setting.stack "$([[ "$USE_RUNNING" == true ]] && echo running || echo own)"
fact setting.pg_batches "${pg_batches[*]}"
fact setting.redis_mode "$REDIS_MODE"; fact setting.redis "$REDIS_DESCRIPTION"; fact setting.stock_buckets "$BUCKETS"
fact setting.kafka_sample "$KAFKA_SAMPLE"
fact cpu.clk_tck "$(getconf CLK_TCK)"
fact setting.seconds_total "$(( $(date +%s) - STARTED_AT ))"
log "sold-out figures come from a second sale ($SOLDOUT_SALE) sold out first; the code path is the admission sale's"
set +e
java -cp "$LOAD_JAR" io.seckill.loadtest.BenchReport "$RUN" "$WORKDIR/bench-results.json"
rc=$?
set -e
# JWT verification: CPU µs per token per algorithm (HS256; RS256, ES256, EdDSA from a JWKS), merged into the results
# as jwt_verify_us by the tool itself (docs/performance.md, "Shopper token verification").
log "jwt: verification cost per algorithm (about a minute) ..."
java -cp "$LOAD_JAR" io.seckill.loadtest.JwtVerifyCost --merge-into "$WORKDIR/bench-results.json" \
  >"$RUN/jwt-verify.json" 2>"$RUN/logs/jwt-verify.log" || log "jwt: not measured, see $RUN/logs/jwt-verify.log"
if [[ -n "${GATLING_BUY_P99:-}" ]]; then
  log "gatling: buy p99 ${GATLING_BUY_P99} ms at ${GATLING_RATE} users/s (target <= 10 ms, reported, not asserted); report $GATLING_REPORT"
fi
log "results: $WORKDIR/bench-results.json; raw outputs in $RUN ($(( $(date +%s) - STARTED_AT )) s)"
[[ $rc -eq 0 ]] || log "INVARIANT BROKEN (or not checked): see the table above"
exit "$rc"
