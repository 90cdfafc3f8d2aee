#!/usr/bin/env bash
# Where each order's CPU goes: profiles every JVM of a local stack under steady admission load (or, with
# PROFILE_SCENARIO=soldout, the sold-out stampede: every request a distinct shopper refused 409) with
# async-profiler (tools.profiler:async-profiler from Maven Central) and prints, per process, the top
# self frames and the CPU by part (JIT compiler, GC, kernel, Netty, Vert.x web, Redis client, Kafka,
# Jackson, PostgreSQL client, crypto, Micrometer, Seckill's own code, other).
#
#   scripts/profile.sh                       # about 2 minutes: start, warm up, profile, summarize
#   PROFILE_WARMUP=60 PROFILE_SECONDS=30 scripts/profile.sh
#   PROFILE_SCENARIO=soldout scripts/profile.sh  # a sale of one unit, sold by the first request
#
# It starts its own stack with scripts/run-local.sh on ports 28080-28082 and 29080-29081 (so do not run it beside a
# run-local.sh of yours: both write .local/env), creates one sale that never sells out, and drives it
# with wrk and distinct shoppers (scripts/bench/shoppers.lua, the bench's own script). The profilers
# attach only after PROFILE_WARMUP seconds of load, so the figures are the steady state, not the JIT
# warm-up (scripts/bench.sh measures that separately). Output: $PROFILE_OUT (default
# target/profile-<time>/): one collapsed-stack file per process (flame-graph input) and summary.md.
#
# Settings: PROFILE_SCENARIO (admission | soldout) PROFILE_WARMUP (40 s) PROFILE_SECONDS (20 s)
#           PROFILE_CONNECTIONS (64) PROFILE_THREADS (2) PROFILE_INTERVAL (1ms) PROFILE_TOP (12 frames a process)
#           PROFILE_OUT
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SCENARIO="${PROFILE_SCENARIO:-admission}"
WARMUP="${PROFILE_WARMUP:-40}"
SECONDS_PROFILED="${PROFILE_SECONDS:-20}"
CONNECTIONS="${PROFILE_CONNECTIONS:-64}"
THREADS="${PROFILE_THREADS:-2}"
INTERVAL="${PROFILE_INTERVAL:-1ms}"
TOP="${PROFILE_TOP:-12}"
OUT="${PROFILE_OUT:-$ROOT/target/profile-$(date +%Y%m%d-%H%M%S)}"
AP_VERSION=4.1
PORT_BASE=28080

log() { printf '%s profile: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
case "$SCENARIO" in
  admission) STOCK=2000000 ;;
  soldout) STOCK=1 ;;
  *) die "PROFILE_SCENARIO must be admission or soldout, not '$SCENARIO'" ;;
esac
command -v wrk >/dev/null || die "wrk is not on the PATH (apt-get install wrk)"
command -v jcmd >/dev/null || die "jcmd is not on the PATH (a JDK, not a JRE)"
mkdir -p "$OUT"

# ---- async-profiler: the native library inside the Maven Central jar
AP_JAR="$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar"
[[ -f "$AP_JAR" ]] || mvn -B -q dependency:get -Dartifact="tools.profiler:async-profiler:$AP_VERSION" >/dev/null \
  || die "could not fetch tools.profiler:async-profiler:$AP_VERSION"
AP_DIR="$ROOT/target/async-profiler-$AP_VERSION"
if [[ ! -f "$AP_DIR/linux-x64/libasyncProfiler.so" ]]; then
  mkdir -p "$AP_DIR" && (cd "$AP_DIR" && unzip -q -o "$AP_JAR" 'linux-x64/*')
fi
AP_LIB="$AP_DIR/linux-x64/libasyncProfiler.so"
# Kernel frames need perf events; without them async-profiler falls back to itimer (no kernel stacks).
if [[ "$(id -u)" != 0 && -r /proc/sys/kernel/perf_event_paranoid ]] && (( $(cat /proc/sys/kernel/perf_event_paranoid) > 1 )); then
  log "kernel.perf_event_paranoid > 1: kernel frames may be missing (sysctl kernel.perf_event_paranoid=1 to see them)"
fi

# ---- the stack
# The jars run-local.sh starts, and the load tool; rebuilt when missing or older than a source.
LOAD_JAR=load-test/target/seckill-load-test.jar
JARS=(launcher/target/seckill-launcher.jar stock-service/target/seckill-stock-service.jar
      order-consumer/target/seckill-order-consumer.jar gateway/target/seckill-gateway.jar "$LOAD_JAR")
stale=false
for jar in "${JARS[@]}"; do [[ -f "$jar" ]] || stale=true; done
if [[ "$stale" == false ]] && [[ -n "$(find pom.xml ./*/pom.xml ./*/src -newer "$(ls -t "${JARS[@]}" | tail -1)" \
    -type f -print -quit 2>/dev/null)" ]]; then
  stale=true
fi
if [[ "$stale" == true ]]; then
  log "building the jars (mvn -B -q -DskipTests package) ..."
  mvn -B -q -DskipTests package >"$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log" >&2; die "build failed"; }
fi
STACK_LOG="$OUT/run-local.log"
SECKILL_GATEWAY_PORT=$PORT_BASE SECKILL_STOCK_PORT=$((PORT_BASE + 1)) SECKILL_CONSUMER_PORT=$((PORT_BASE + 2)) \
  SECKILL_GATEWAY_MANAGEMENT_PORT=$((PORT_BASE + 1000)) SECKILL_STOCK_MANAGEMENT_PORT=$((PORT_BASE + 1001)) \
  SECKILL_DEMO=false SECKILL_DEV_MODE=false SECKILL_RATE_IP_PER_S=10000000 SECKILL_RATE_IP_BURST=10000000 \
  scripts/run-local.sh >"$STACK_LOG" 2>&1 &
STACK_PID=$!
cleanup() { kill -TERM "$STACK_PID" 2>/dev/null || true; wait "$STACK_PID" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 900); do
  grep -q "Seckill is ready" "$STACK_LOG" 2>/dev/null && break
  kill -0 "$STACK_PID" 2>/dev/null || { tail -30 "$STACK_LOG" >&2; die "run-local.sh exited"; }
  sleep 0.2
done
grep -q "Seckill is ready" "$STACK_LOG" || die "the stack did not start in 180 s (see $STACK_LOG)"
set -a; source .local/env; source .local/infra.env; set +a

pid_on_port() { ss -Hltnp "sport = :$1" 2>/dev/null | sed -nE 's/.*pid=([0-9]+).*/\1/p' | head -1; }
declare -A PID
PID[gateway]="$(pid_on_port $PORT_BASE)"
PID[stock-service]="$(pid_on_port $((PORT_BASE + 1)))"
PID[order-consumer]="$(pid_on_port $((PORT_BASE + 2)))"
PID[broker]="$(pid_on_port "${SECKILL_KAFKA_BOOTSTRAP##*:}")"
for name in "${!PID[@]}"; do [[ -n "${PID[$name]}" ]] || die "no pid found for $name (ss -ltnp)"; done

starts="$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)"; ends="$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)"
sale="$(curl -fsS -m 30 -X POST "$SECKILL_STOCK_URL/admin/v1/sales" -H "Authorization: Bearer $SECKILL_ADMIN_TOKEN" \
  -H 'Content-Type: application/json' -d "{\"itemName\":\"profile\",\"priceCents\":1000,\"stock\":$STOCK,\
\"startsAt\":\"$starts\",\"endsAt\":\"$ends\",\"perUserLimit\":1,\"paymentTimeoutSeconds\":3600,\"requirePurchaseToken\":false}")"
SALE_ID="$(printf '%s' "$sale" | sed -E 's/.*"saleId" *: *([0-9]+).*/\1/')"
# Enough distinct shoppers for the whole run at a few thousand admissions a second.
TOKENS_N=$(( (WARMUP + SECONDS_PROFILED + 5) * 6000 ))
log "minting $TOKENS_N shoppers' JWTs ..."
java -cp "$LOAD_JAR" io.seckill.loadtest.MintTokens --out-dir "$OUT" --ttl-seconds 3600 --file "load:profile-$$-:$TOKENS_N" >/dev/null

URL="$SECKILL_GATEWAY_URL/api/v1/sales/$SALE_ID/orders"
TOTAL=$((WARMUP + SECONDS_PROFILED + 2))
log "scenario $SCENARIO (stock $STOCK)"
log "load: wrk -t$THREADS -c$CONNECTIONS for ${TOTAL}s on sale $SALE_ID; profiling from second $WARMUP for ${SECONDS_PROFILED}s"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${TOTAL}s" --timeout 5s -s scripts/bench/shoppers.lua "$URL" \
  -- "$OUT/load.tokens" "$OUT/ids-" profile "$THREADS" >"$OUT/wrk.out" 2>&1 &
WRK_PID=$!
sleep "$WARMUP"
for name in "${!PID[@]}"; do
  jcmd "${PID[$name]}" JVMTI.agent_load "$AP_LIB" "\"start,event=cpu,interval=$INTERVAL\"" >/dev/null \
    || die "could not attach async-profiler to $name (pid ${PID[$name]})"
done
sleep "$SECONDS_PROFILED"
for name in "${!PID[@]}"; do
  jcmd "${PID[$name]}" JVMTI.agent_load "$AP_LIB" "\"stop,file=$OUT/$name.collapsed,collapsed\"" >/dev/null \
    || die "could not stop the profiler of $name"
done
wait "$WRK_PID" || true
RESULT="$(grep -o 'BENCH_RESULT .*' "$OUT/wrk.out" | head -1)"
log "wrk: ${RESULT:-no result (see $OUT/wrk.out)}"

# ---- summary: per process, CPU by part and the top self frames
summarize() { # name file
  awk -v name="$1" -v top="$TOP" '
    function part(stack,   n, f, i, fr) {
      n = split(stack, f, ";")
      if (f[n] ~ /_\[k\]$/) return "kernel"
      for (i = 1; i <= n; i++) if (f[i] ~ /CompileBroker::|C2Compiler|Compile::Compile|C1_|Compilation::/) return "JIT compiler"
      for (i = 1; i <= n; i++) if (f[i] ~ /GC|G1|SerialHeap|ParallelScavenge|VM_Operation|SafepointSynchronize/ && f[i] !~ /\//) return "GC and VM"
      for (i = n; i >= 1; i--) {
        fr = f[i]
        if (fr ~ /^com\/fasterxml\/jackson|^io\/vertx\/core\/json/) return "Jackson and JSON"
        if (fr ~ /^io\/micrometer|^io\/vertx\/micrometer/) return "Micrometer"
        if (fr ~ /^javax\/crypto|^sun\/security|^com\/sun\/crypto|^io\/seckill\/common\/auth/) return "crypto and JWT"
        if (fr ~ /^io\/vertx\/redis/) return "Redis client"
        if (fr ~ /^io\/vertx\/pgclient|^io\/vertx\/sqlclient/) return "PostgreSQL client"
        if (fr ~ /^org\/apache\/kafka|^kafka\//) return "Kafka"
        if (fr ~ /^io\/seckill\//) return "Seckill code"
        if (fr ~ /^io\/vertx\/ext\/web/) return "Vert.x web"
        if (fr ~ /^io\/vertx\//) return "Vert.x core"
        if (fr ~ /^io\/netty\//) return "Netty"
      }
      return "other (JDK, libc, interpreter)"
    }
    {
      count = $NF; stack = $0; sub(/ [0-9]+$/, "", stack)
      total += count; parts[part(stack)] += count
      n = split(stack, f, ";"); self[f[n]] += count
    }
    function table(arr, limit,   k, best, bestKey, shown, label) {
      for (shown = 0; shown < limit; shown++) {
        best = -1
        for (k in arr) if (arr[k] > best) { best = arr[k]; bestKey = k }
        if (best < 0) break
        label = bestKey; gsub(/\|/, "/", label)
        printf "| `%s` | %.1f %% |\n", label, 100 * best / total
        delete arr[bestKey]
      }
    }
    END {
      if (total == 0) { printf "### %s\n\nno samples\n\n", name; exit }
      printf "### %s (%d samples)\n\n| part | share |\n|---|---:|\n", name, total
      table(parts, 100)
      printf "\n| top self frames | share |\n|---|---:|\n"
      table(self, top)
      printf "\n"
    }' "$2"
}
{
  echo "# Profile of a steady $SCENARIO load"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores; wrk -t$THREADS -c$CONNECTIONS, profiled ${SECONDS_PROFILED}s after ${WARMUP}s of load;"
  echo "async-profiler $AP_VERSION, event cpu, interval $INTERVAL. wrk: ${RESULT:-none}"
  echo
  for name in gateway order-consumer broker stock-service; do
    summarize "$name" "$OUT/$name.collapsed"
  done
} >"$OUT/summary.md"
cat "$OUT/summary.md"
log "collapsed stacks and summary in $OUT"
