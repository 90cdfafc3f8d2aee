#!/usr/bin/env bash
# Measures what the start-up warm-up buys: fresh gateway and order-consumer JVMs, started as
# scripts/bench.sh starts them (same JVM flags, own database, in-process Kafka), then 10 s of wrk
# against the buy endpoint with distinct shoppers (scripts/bench/shoppers.lua). Per try it prints the
# C2/C1 compile time each JVM accumulated during the load (jcmd PerfCounter.print: java.ci.totalTime /
# sun.os.hrt.frequency) and the 202s answered. Tries alternate warm-up off / on.
#
#   scripts/bench/warm-start.sh [tries per mode, 3]    env: WARM_SECONDS (10), WARM_CONNECTIONS (256)
#
# WARM_LEAD (0): seconds from the sale's creation to its opening, wrk knocking all along (answered
# SALE_NOT_STARTED), as bench.sh's cold open; the admitted rate is over the WARM_SECONDS after the opening.
# WARM_A_OPTS / WARM_B_OPTS: when either is set, the tries alternate A / B instead, the warm-up on in both,
# each mode's JVM flags added to the gateway's and the consumer's (e.g. WARM_B_OPTS=-XX:Tier4LoadFeedback=1000):
# paired tries on the same stack a minute apart, which one bench run per setting cannot give on a noisy box.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"; cd "$ROOT"
TRIES="${1:-3}"; SECONDS_OF_LOAD="${WARM_SECONDS:-10}"; CONNECTIONS="${WARM_CONNECTIONS:-256}"; LEAD="${WARM_LEAD:-0}"
COMPARE=false; [[ -n "${WARM_A_OPTS:-}${WARM_B_OPTS:-}" ]] && COMPARE=true
RUN="$(mktemp -d /tmp/seckill-warm-start.XXXXXX)"; mkdir -p "$RUN/logs" "$RUN/tokens"
LOAD_JAR=load-test/target/seckill-load-test.jar
JAVA_OPTS="${BENCH_JAVA_OPTS:--Xms512m -Xmx512m} ${BENCH_SERVICE_JAVA_OPTS--XX:Tier4LoadFeedback=1000}"
GW=18180; STOCK=18181; CONS=18182   # API ports (the consumer's is its management port: it has no other)
GW_MGMT=19180; STOCK_MGMT=19181     # management ports: /health/ready
PIDS=(); DB=""
log() { printf '%s warm-start: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
cleanup() {
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; done
  sleep 3
  [[ -n "$DB" ]] && java -cp "$LOAD_JAR" io.seckill.loadtest.ScratchDatabase drop "$SERVER_URL" "$DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT
wait_ready() { for _ in $(seq 1 600); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; log "not ready: $1"; exit 1; }
secret() { head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | cut -c1-48; }
ci_seconds() { # pid -> compile time so far, seconds
  jcmd "$1" PerfCounter.print 2>/dev/null | awk -F= '/java.ci.totalTime=/{t=$2} /sun.os.hrt.frequency=/{f=$2} END{printf "%.3f", t/f}'
}

java ${BENCH_BROKER_JAVA_OPTS--XX:TieredStopAtLevel=1} -jar launcher/target/seckill-launcher.jar "$RUN/infra.env" >"$RUN/logs/infra.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 600); do [[ -f "$RUN/infra.env" ]] && break; sleep 0.2; done
set -a; source "$RUN/infra.env"; set +a
SERVER_URL="$SECKILL_PG_URL"; DB="seckill_warm_start_$$"
SECKILL_PG_URL="$(java -cp "$LOAD_JAR" io.seckill.loadtest.ScratchDatabase create "$SERVER_URL" "$DB" 2>"$RUN/logs/db.log" | tail -1)"
export SECKILL_PG_URL SECKILL_JWT_SECRET="$(secret)" SECKILL_ADMIN_TOKEN="$(secret)" SECKILL_CANCEL_TOKEN="$(secret)" SECKILL_PAYMENT_SECRET="$(secret)"
export SECKILL_RATE_IP_PER_S=10000000 SECKILL_RATE_IP_BURST=10000000 SECKILL_STOCK_SERVICE_URL="http://127.0.0.1:$STOCK"
specs=(); for t in $(seq 1 $((2 * TRIES))); do specs+=(--file "try-$t:warm$t-:60000"); done
java -cp "$LOAD_JAR" io.seckill.loadtest.MintTokens --out-dir "$RUN/tokens" --ttl-seconds 3600 "${specs[@]}" >"$RUN/logs/mint.log" 2>&1
SECKILL_HTTP_PORT=$STOCK SECKILL_MANAGEMENT_PORT=$STOCK_MGMT java $JAVA_OPTS -jar stock-service/target/seckill-stock-service.jar >"$RUN/logs/stock.log" 2>&1 & PIDS+=($!)
wait_ready "http://127.0.0.1:$STOCK_MGMT/health/ready"

printf 'try\twarm-up\tready_s\tgw_ci_s\tcons_ci_s\tadmitted\tadmitted_per_s\n'
for t in $(seq 1 $((2 * TRIES))); do
  requests="${SECKILL_WARMUP_REQUESTS:-20000}"; extra=""
  if $COMPARE; then
    if (( t % 2 == 1 )); then mode=A; extra="${WARM_A_OPTS:-}"; else mode=B; extra="${WARM_B_OPTS:-}"; fi
  elif (( t % 2 == 1 )); then mode=off; requests=0; else mode=on; fi
  started=$(date +%s.%N)
  SECKILL_WARMUP_REQUESTS=$requests SECKILL_MANAGEMENT_PORT=$CONS java $JAVA_OPTS $extra -jar order-consumer/target/seckill-order-consumer.jar >"$RUN/logs/consumer-$t.log" 2>&1 & cons=$!
  SECKILL_WARMUP_REQUESTS=$requests SECKILL_HTTP_PORT=$GW SECKILL_MANAGEMENT_PORT=$GW_MGMT java $JAVA_OPTS $extra -jar gateway/target/seckill-gateway.jar >"$RUN/logs/gateway-$t.log" 2>&1 & gw=$!
  PIDS+=("$cons" "$gw")
  wait_ready "http://127.0.0.1:$CONS/health/ready"; wait_ready "http://127.0.0.1:$GW_MGMT/health/ready"
  ready=$(echo "$(date +%s.%N) - $started" | bc)
  opens_at=$(( $(date +%s) + 1 + LEAD )); (( LEAD == 0 )) && opens_at=$(( $(date +%s) - 60 ))
  starts="$(date -u -d "@$opens_at" +%Y-%m-%dT%H:%M:%SZ)"; ends="$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)"
  sale="$(curl -fsS -X POST "http://127.0.0.1:$STOCK/admin/v1/sales" -H "Authorization: Bearer $SECKILL_ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"itemName\":\"warm-start $t\",\"priceCents\":1000,\"stock\":1000000,\"startsAt\":\"$starts\",\"endsAt\":\"$ends\",\"perUserLimit\":1,\"paymentTimeoutSeconds\":3600,\"requirePurchaseToken\":false}" \
    | sed -E 's/.*"saleId" *: *([0-9]+).*/\1/')"
  (( LEAD > 0 )) && { wrk_for=$(( opens_at + SECONDS_OF_LOAD - $(date +%s) )); sleep_until=$opens_at; } || { wrk_for=$SECONDS_OF_LOAD; sleep_until=0; }
  ( (( sleep_until > 0 )) && sleep "$(echo "$sleep_until - $(date +%s.%N)" | bc)"; echo "$(ci_seconds "$gw") $(ci_seconds "$cons")" >"$RUN/ci0-$t" ) & sampler=$!
  wrk -t2 -c"$CONNECTIONS" -d"${wrk_for}s" --timeout 5s -s scripts/bench/shoppers.lua \
    "http://127.0.0.1:$GW/api/v1/sales/$sale/orders" -- "$RUN/tokens/try-$t.tokens" "$RUN/ids-$t-" "try-$t" 2 >"$RUN/wrk-$t.out" 2>&1
  gw1=$(ci_seconds "$gw"); c1=$(ci_seconds "$cons"); wait "$sampler"; read -r gw0 c0 <"$RUN/ci0-$t"
  admitted=$(grep -o '"status_202":[0-9]*' "$RUN/wrk-$t.out" | head -1 | cut -d: -f2)
  printf '%s\t%s\t%.1f\t%.2f\t%.2f\t%s\t%.0f\n' "$t" "$mode" "$ready" "$(echo "$gw1 - $gw0" | bc)" "$(echo "$c1 - $c0" | bc)" \
    "${admitted:-?}" "$(echo "${admitted:-0} / $SECONDS_OF_LOAD" | bc -l)"
  kill -TERM "$gw" "$cons"; for _ in $(seq 1 150); do kill -0 "$gw" 2>/dev/null || kill -0 "$cons" 2>/dev/null || break; sleep 0.1; done
  while kill -0 "$gw" 2>/dev/null || kill -0 "$cons" 2>/dev/null; do sleep 0.2; done
done
log "logs in $RUN"
