#!/usr/bin/env bash
# Starts the whole Seckill system locally: Redis, PostgreSQL and Kafka (reused when running,
# embedded otherwise), then stock-service, order-consumer and gateway as separate processes.
# Prints "Seckill is ready" with copy-paste curl examples; Ctrl-C or SIGTERM stops everything.
#
# Environment (all optional):
#   SECKILL_GATEWAY_PORT (8080)  SECKILL_STOCK_PORT (8081)                   the shopper and operator APIs
#   SECKILL_GATEWAY_MANAGEMENT_PORT (9080)  SECKILL_STOCK_MANAGEMENT_PORT (9081)
#   SECKILL_CONSUMER_PORT (9082)  management ports: /metrics and /health/* (the consumer has no other)
#   SECKILL_JWT_SECRET / SECKILL_ADMIN_TOKEN / SECKILL_CANCEL_TOKEN / SECKILL_PAYMENT_SECRET   generated when unset
#   SECKILL_REDIS_URL / SECKILL_PG_URL / SECKILL_KAFKA_BOOTSTRAP         use these servers instead
#   SECKILL_DEMO=false           do not create the demo sale
#   SECKILL_REBUILD=true         rebuild the jars even if they exist
#   SECKILL_WARMUP_MAX_MS (10000) bound on the gateway's and consumer's start-up warm-up (SECKILL_WARMUP_REQUESTS=0: off)
#   SECKILL_PAYMENT_PROVIDER (simulator) what stock-service asks before a timeout cancel (none | simulator | http)
#   SECKILL_JAVA_OPTS (-XX:Tier4LoadFeedback=1000) JVM options of the three services (the flag: C2's thresholds do
#                                 not rise with its queue, so the start-up warm-up gets the hot path past them)
#   SECKILL_LAUNCHER_JAVA_OPTS (-XX:TieredStopAtLevel=1) JVM options of the launcher, which holds the in-process
#                                 Kafka broker: C1 only, as the bench measured (docs/performance.md, 2026-12-02)
#   SECKILL_BIND_HOST (127.0.0.1) the address the three services listen on; the default keeps the dev-mode gateway
#                                 (it mints tokens and simulates payments) off the network: 0.0.0.0 exposes it
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STATE="$ROOT/.local"
LOGS="$STATE/logs"
mkdir -p "$LOGS"

GATEWAY_PORT="${SECKILL_GATEWAY_PORT:-8080}"
# Loopback unless told otherwise (the services' own default, 0.0.0.0, is for containers).
export SECKILL_BIND_HOST="${SECKILL_BIND_HOST:-127.0.0.1}"
case "$SECKILL_BIND_HOST" in
  0.0.0.0|::) HOST=127.0.0.1 ;;
  *:*) HOST="[$SECKILL_BIND_HOST]" ;;
  *) HOST="$SECKILL_BIND_HOST" ;;
esac
STOCK_PORT="${SECKILL_STOCK_PORT:-8081}"
GATEWAY_MANAGEMENT_PORT="${SECKILL_GATEWAY_MANAGEMENT_PORT:-9080}"
STOCK_MANAGEMENT_PORT="${SECKILL_STOCK_MANAGEMENT_PORT:-9081}"
CONSUMER_PORT="${SECKILL_CONSUMER_PORT:-9082}"

JARS=(launcher/target/seckill-launcher.jar stock-service/target/seckill-stock-service.jar
      order-consumer/target/seckill-order-consumer.jar gateway/target/seckill-gateway.jar)

log() { printf '%s run-local: %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { log "ERROR: $*"; exit 1; }

command -v java >/dev/null || die "java is not on the PATH (JDK 17+ needed)"
missing=false
for jar in "${JARS[@]}"; do [[ -f "$jar" ]] || missing=true; done
if [[ "$missing" == true || "${SECKILL_REBUILD:-false}" == true ]]; then
  command -v mvn >/dev/null || die "mvn is not on the PATH and the jars are not built"
  log "building the jars (mvn -B -q -DskipTests package) ..."
  mvn -B -q -DskipTests package >"$LOGS/build.log" 2>&1 || { tail -40 "$LOGS/build.log"; die "build failed, see $LOGS/build.log"; }
fi

secret() { head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | cut -c1-48; }
generated=()
if [[ -z "${SECKILL_JWT_SECRET:-}" ]]; then SECKILL_JWT_SECRET="$(secret)"; generated+=(SECKILL_JWT_SECRET); fi
if [[ -z "${SECKILL_ADMIN_TOKEN:-}" ]]; then SECKILL_ADMIN_TOKEN="$(secret)"; generated+=(SECKILL_ADMIN_TOKEN); fi
if [[ -z "${SECKILL_CANCEL_TOKEN:-}" ]]; then SECKILL_CANCEL_TOKEN="$(secret)"; generated+=(SECKILL_CANCEL_TOKEN); fi
if [[ -z "${SECKILL_PAYMENT_SECRET:-}" ]]; then SECKILL_PAYMENT_SECRET="$(secret)"; generated+=(SECKILL_PAYMENT_SECRET); fi
export SECKILL_JWT_SECRET SECKILL_CANCEL_TOKEN SECKILL_PAYMENT_SECRET
# The operator token goes to stock-service alone; the gateway gets the cancel-only token.
export -n SECKILL_ADMIN_TOKEN 2>/dev/null || true
# The start-up warm-up stays on (this is how people try the system), with a short bound so a start stays quick.
export SECKILL_WARMUP_MAX_MS="${SECKILL_WARMUP_MAX_MS:-10000}"

PIDS=()
stopping=false
stop_all() {
  [[ "$stopping" == true ]] && return
  stopping=true
  log "stopping ..."
  # Reverse start order: the gateway stops taking orders before the consumer drains.
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -f "$STATE/env"
  log "stopped"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

wait_for() { # name url seconds pid
  local name="$1" url="$2" seconds="$3" pid="$4"
  for _ in $(seq 1 $((seconds * 5))); do
    kill -0 "$pid" 2>/dev/null || { tail -30 "$LOGS/$name.log"; die "$name exited during start, see $LOGS/$name.log"; }
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  tail -30 "$LOGS/$name.log"; die "$name not ready after ${seconds}s, see $LOGS/$name.log"
}

log "starting infrastructure (Redis, PostgreSQL, Kafka) ..."
rm -f "$STATE/infra.env"
# shellcheck disable=SC2086
java ${SECKILL_LAUNCHER_JAVA_OPTS--XX:TieredStopAtLevel=1} -jar launcher/target/seckill-launcher.jar "$STATE/infra.env" \
  >"$LOGS/infra.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 600); do
  [[ -f "$STATE/infra.env" ]] && break
  kill -0 "${PIDS[0]}" 2>/dev/null || { tail -30 "$LOGS/infra.log"; die "infrastructure failed, see $LOGS/infra.log"; }
  sleep 0.2
done
[[ -f "$STATE/infra.env" ]] || die "infrastructure not ready after 120 s, see $LOGS/infra.log"
set -a; source "$STATE/infra.env"; set +a
log "redis: $SECKILL_INFRA_REDIS; postgres: $SECKILL_INFRA_PG; kafka: $SECKILL_KAFKA_BOOTSTRAP (in-process)"

start_service() { # name jar management-port [api-port]; readiness is on the management port
  local name="$1" jar="$2" management="$3" port="${4:-}"
  env ${port:+SECKILL_HTTP_PORT="$port"} SECKILL_MANAGEMENT_PORT="$management" \
    java ${SECKILL_JAVA_OPTS--XX:Tier4LoadFeedback=1000} -jar "$jar" >"$LOGS/$name.log" 2>&1 &
  PIDS+=($!)
  wait_for "$name" "http://$HOST:$management/health/ready" 90 "$!"
  log "$name ready${port:+ on :$port}, management on :$management"
}
# The dev stack asks its own payment records before a timeout cancel, so the query step runs here too.
export SECKILL_PAYMENT_PROVIDER="${SECKILL_PAYMENT_PROVIDER:-simulator}"
SECKILL_ADMIN_TOKEN="$SECKILL_ADMIN_TOKEN" \
  start_service stock-service stock-service/target/seckill-stock-service.jar "$STOCK_MANAGEMENT_PORT" "$STOCK_PORT"
start_service order-consumer order-consumer/target/seckill-order-consumer.jar "$CONSUMER_PORT"
# Dev mode (dev sign-in and payment simulator for the shopper page) is for this local stack only; SECKILL_DEV_MODE=false turns it off.
SECKILL_STOCK_SERVICE_URL="http://$HOST:$STOCK_PORT" SECKILL_DEV_MODE="${SECKILL_DEV_MODE:-true}" \
  SECKILL_PAYMENT_SECRET="$SECKILL_PAYMENT_SECRET" SECKILL_PAYMENT_CALLBACK_URL="http://$HOST:$STOCK_PORT/api/v1/payments/callback" \
  start_service gateway gateway/target/seckill-gateway.jar "$GATEWAY_MANAGEMENT_PORT" "$GATEWAY_PORT"

# What scripts/jwt.sh and the other helpers need to talk to this stack.
umask 077
cat >"$STATE/env" <<ENV
SECKILL_GATEWAY_URL=http://$HOST:$GATEWAY_PORT
SECKILL_STOCK_URL=http://$HOST:$STOCK_PORT
SECKILL_CONSUMER_URL=http://$HOST:$CONSUMER_PORT
SECKILL_GATEWAY_MANAGEMENT_URL=http://$HOST:$GATEWAY_MANAGEMENT_PORT
SECKILL_STOCK_MANAGEMENT_URL=http://$HOST:$STOCK_MANAGEMENT_PORT
SECKILL_JWT_SECRET=$SECKILL_JWT_SECRET
SECKILL_ADMIN_TOKEN=$SECKILL_ADMIN_TOKEN
SECKILL_CANCEL_TOKEN=$SECKILL_CANCEL_TOKEN
SECKILL_PAYMENT_SECRET=$SECKILL_PAYMENT_SECRET
ENV

SALE_ID=""
if [[ "${SECKILL_DEMO:-true}" != false ]]; then
  starts="$(date -u -d '+15 seconds' +%Y-%m-%dT%H:%M:%SZ)"
  ends="$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)"
  sale="$(curl -fsS -X POST "http://$HOST:$STOCK_PORT/admin/v1/sales" \
    -H "Authorization: Bearer $SECKILL_ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"itemName\":\"Demo phone\",\"priceCents\":19900,\"stock\":100,\"startsAt\":\"$starts\",\"endsAt\":\"$ends\",\"perUserLimit\":1,\"paymentTimeoutSeconds\":300,\"requirePurchaseToken\":false}")" \
    || die "could not create the demo sale"
  SALE_ID="$(printf '%s' "$sale" | sed -E 's/.*"saleId" *: *([0-9]+).*/\1/')"
  log "demo sale $SALE_ID: 100 units, opens at $starts"
fi

[[ ${#generated[@]} -gt 0 ]] && log "generated dev secrets (${generated[*]}), saved in $STATE/env:" && \
  for name in "${generated[@]}"; do printf '  %s=%s\n' "$name" "${!name}"; done

S="${SALE_ID:-<saleId>}"
cat <<TXT

Seckill is ready — gateway http://$HOST:$GATEWAY_PORT, stock-service http://$HOST:$STOCK_PORT, order-consumer (management only) http://$HOST:$CONSUMER_PORT
Metrics and health on the management ports: gateway :$GATEWAY_MANAGEMENT_PORT, stock-service :$STOCK_MANAGEMENT_PORT, order-consumer :$CONSUMER_PORT

  # the shopper page: sign in with any name (dev mode), buy once the sale opens, pay (simulated)
  http://$HOST:$GATEWAY_PORT/?sale=$S
  # the sale (no auth)
  curl -s http://$HOST:$GATEWAY_PORT/api/v1/sales/$S
  # a shopper token (JWT) for user alice
  TOKEN=\$(scripts/jwt.sh alice)
  # buy one unit (202 QUEUED; once the sale is open)
  curl -s -X POST http://$HOST:$GATEWAY_PORT/api/v1/sales/$S/orders -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' -d '{"quantity":1}'
  # the order's status (use the orderId from the answer above)
  curl -s http://$HOST:$GATEWAY_PORT/api/v1/orders/<orderId> -H "Authorization: Bearer \$TOKEN"
  # the operator's view: DB counts, Redis state, drift
  curl -s http://$HOST:$STOCK_PORT/admin/v1/sales/$S -H "Authorization: Bearer \$(scripts/admin-token.sh)"
  # metrics and readiness (management port, not the shopper port)
  curl -s http://$HOST:$GATEWAY_MANAGEMENT_PORT/metrics | grep seckill_
  curl -s http://$HOST:$GATEWAY_MANAGEMENT_PORT/health/ready

Logs in $LOGS. Press Ctrl-C to stop everything.
TXT

wait "${PIDS[@]}"
