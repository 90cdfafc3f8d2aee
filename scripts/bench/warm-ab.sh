#!/usr/bin/env bash
# Paired warm runs of two gateway builds (or one build under two settings) on one stack, for a change that single
# bench.sh runs cannot judge on a noisy machine: one stack (in-process Kafka, a scratch database, stock-service and
# the consumer of this checkout), then per try a fresh gateway, A and B in turn, with its start-up warm-up; AB_WARM
# (30) s of wrk on a new sale, then AB_SECONDS (20) s measured: admitted/s, and per 202 the CPU of the gateway, of
# Redis and of the whole machine, wrk's p99, and Redis reads per EVALSHA (how many commands arrive per read).
#
#   scripts/bench/warm-ab.sh <gateway jar A> <gateway jar B> [pairs, 3]
#   env: AB_A_ENV / AB_B_ENV  variables for each side's gateway, e.g. AB_B_ENV=SECKILL_KAFKA_DIRECT_SEND=true
#
# Read the medians and how many pairs each side won; the per-order CPU moves less with the machine than the rates.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"; BASE="$ROOT"
JAR_A="$(realpath "${1:?gateway jar A}")"; JAR_B="$(realpath "${2:?gateway jar B}")"; PAIRS="${3:-3}"; WARM="${AB_WARM:-30}"; MEAS="${AB_SECONDS:-20}"
RUN="$(mktemp -d /tmp/seckill-warm-ab.XXXXXX)"; mkdir -p "$RUN/logs" "$RUN/tokens" "$RUN/ids"
LOAD_JAR=$BASE/load-test/target/seckill-load-test.jar
JAVA_OPTS="-Xms512m -Xmx512m -XX:Tier4LoadFeedback=1000"
GW=18180; STOCK=18181; CONS=18182; GW_MGMT=19180; STOCK_MGMT=19181
PIDS=(); DB=""
log() { printf '%s warm-ab: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
cleanup() { for ((i=${#PIDS[@]}-1; i>=0; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; done; sleep 3
  [[ -n "$DB" ]] && java -cp "$LOAD_JAR" io.seckill.loadtest.ScratchDatabase drop "$SERVER_URL" "$DB" >/dev/null 2>&1 || true; }
trap cleanup EXIT
wait_ready() { for _ in $(seq 1 900); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; log "not ready: $1"; [[ -n "${gw:-}" ]] && jcmd $gw Thread.print > "$RUN/stack-$t.txt" 2>&1; kill -TERM ${gw:-0}; exit 1; }
secret() { head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | cut -c1-48; }
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
cd $BASE
# A Redis of its own, as bench.sh has: its counters are the tries' alone, and its keyspace starts empty every run.
REDIS_PORT="${AB_REDIS_PORT:-16380}"
redis-server --port "$REDIS_PORT" --save "" --appendonly no --daemonize no >"$RUN/logs/redis.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
export SECKILL_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
java -XX:TieredStopAtLevel=1 -jar launcher/target/seckill-launcher.jar "$RUN/infra.env" >"$RUN/logs/infra.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 600); do [[ -f "$RUN/infra.env" ]] && break; sleep 0.2; done
set -a; source "$RUN/infra.env"; set +a
RPORT=$REDIS_PORT
redis_rw() { redis-cli -p $RPORT info stats | awk -F: '/total_reads_processed/{r=$2} /total_writes_processed/{w=$2} END{printf "%d %d\n", r, w}'; }
redis_calls() { redis-cli -p $RPORT info commandstats | awk -F'[=,:]' '/cmdstat_evalsha/{print $3}'; }
redis_cpu() { redis-cli -p $RPORT info cpu | awk -F: '/used_cpu_(user|sys):/{s+=$2} END{printf "%.0f", s*1e6}'; }
SERVER_URL="$SECKILL_PG_URL"; DB="seckill_ab_$$"
SECKILL_PG_URL="$(java -cp "$LOAD_JAR" io.seckill.loadtest.ScratchDatabase create "$SERVER_URL" "$DB" 2>"$RUN/logs/db.log" | tail -1)"
export SECKILL_PG_URL SECKILL_JWT_SECRET="$(secret)" SECKILL_ADMIN_TOKEN="$(secret)" SECKILL_CANCEL_TOKEN="$(secret)" SECKILL_PAYMENT_SECRET="$(secret)"
export SECKILL_RATE_IP_PER_S=10000000 SECKILL_RATE_IP_BURST=10000000 SECKILL_STOCK_SERVICE_URL="http://127.0.0.1:$STOCK"
java -cp "$LOAD_JAR" io.seckill.loadtest.MintTokens --out-dir "$RUN/tokens" --ttl-seconds 3600 --file "ab:ab-:600000" >"$RUN/logs/mint.log" 2>&1
SECKILL_HTTP_PORT=$STOCK SECKILL_MANAGEMENT_PORT=$STOCK_MGMT java $JAVA_OPTS -jar stock-service/target/seckill-stock-service.jar >"$RUN/logs/stock.log" 2>&1 & PIDS+=($!)
SECKILL_MANAGEMENT_PORT=$CONS java $JAVA_OPTS -jar order-consumer/target/seckill-order-consumer.jar >"$RUN/logs/consumer.log" 2>&1 & PIDS+=($!)
wait_ready "http://127.0.0.1:$STOCK_MGMT/health/ready"; wait_ready "http://127.0.0.1:$CONS/health/ready"
printf 'try\tside\tadmitted_per_s\tgateway_us_per_202\tredis_us_per_202\tmachine_us_per_202\tp99_ms\ttokens_reused\tredis_reads_per_evalsha\n'
for t in $(seq 1 $((2 * PAIRS))); do
  if (( t % 2 == 1 )); then side=A; jar=$JAR_A; menv="${AB_A_ENV:-}"; else side=B; jar=$JAR_B; menv="${AB_B_ENV:-}"; fi
  env $menv SECKILL_HTTP_PORT=$GW SECKILL_MANAGEMENT_PORT=$GW_MGMT java $JAVA_OPTS -jar "$jar" >"$RUN/logs/gateway-$t.log" 2>&1 & gw=$!; PIDS+=("$gw")
  wait_ready "http://127.0.0.1:$GW_MGMT/health/ready"
  starts="$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)"; ends="$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)"
  sale="$(curl -fsS -X POST "http://127.0.0.1:$STOCK/admin/v1/sales" -H "Authorization: Bearer $SECKILL_ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"itemName\":\"ab $t\",\"priceCents\":1000,\"stock\":5000000,\"startsAt\":\"$starts\",\"endsAt\":\"$ends\",\"perUserLimit\":1,\"paymentTimeoutSeconds\":3600,\"requirePurchaseToken\":false}" \
    | sed -E 's/.*"saleId" *: *([0-9]+).*/\1/')"
  URL="http://127.0.0.1:$GW/api/v1/sales/$sale/orders"
  wrk -t2 -c256 -d${WARM}s --timeout 5s -s scripts/bench/shoppers.lua "$URL" -- "$RUN/tokens/ab.tokens" "$RUN/ids/w$t-" warm 2 >"$RUN/wrk-w$t.out" 2>&1
  used=$(grep -o '"tokens_used_max":[0-9]*' "$RUN/wrk-w$t.out" | cut -d: -f2); first=$(( (used + 10) * 2 ))
  g0=$(cpu $gw); r0=$(redis_cpu); m0=$(busy); read -r rd0 wr0 < <(redis_rw); c0=$(redis_calls)
  wrk -t2 -c256 -d${MEAS}s --timeout 5s -s scripts/bench/shoppers.lua "$URL" -- "$RUN/tokens/ab.tokens" "$RUN/ids/m$t-" meas 2 $first >"$RUN/wrk-m$t.out" 2>&1
  g1=$(cpu $gw); r1=$(redis_cpu); m1=$(busy); read -r rd1 wr1 < <(redis_rw); c1=$(redis_calls)
  n=$(grep -o '"status_202":[0-9]*' "$RUN/wrk-m$t.out" | cut -d: -f2); reused=$(grep -o '"tokens_reused":[0-9]*' "$RUN/wrk-m$t.out" | cut -d: -f2)
  p99=$(grep -o '"p99":[0-9]*' "$RUN/wrk-m$t.out" | cut -d: -f2)
  hz=$(getconf CLK_TCK)
  printf '%s\t%s\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t%.3f\n' $t $side "$(echo "$n / $MEAS" | bc -l)" "$(echo "($g1-$g0)*1000000/$hz/$n" | bc -l)" \
    "$(echo "($r1-$r0)/$n" | bc -l)" "$(echo "($m1-$m0)*1000000/$hz/$n" | bc -l)" "$(echo "$p99/1000" | bc -l)" "$reused" "$(echo "($rd1-$rd0)/($c1-$c0)" | bc -l)"
  kill -TERM "$gw"; while kill -0 "$gw" 2>/dev/null; do sleep 0.2; done
done
log "logs in $RUN"
