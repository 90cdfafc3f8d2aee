# Sourced by scripts/bench.sh (uses its functions and variables): the cold-open phase.
# A real sale opens on JVMs that have been idle, under a crowd that was refreshing before the opening. So:
# fresh gateway, stock-service and order-consumer JVMs, a sale created to open BENCH_COLD_LEAD s later, wrk
# knocking from right after its creation (409 SALE_NOT_STARTED until the opening), and the figures of the
# first BENCH_COLD_WINDOW s after the opening from the per-answer timings of shoppers.lua (ColdOpen does the
# arithmetic in BenchReport). The broker (the launcher's JVM) is not restarted: it holds the infrastructure,
# and a real sale's brokers serve other traffic before it anyway. Its JIT time is sampled all the same.
if [[ "$COLD_OPEN" != true ]]; then
  fact cold_open.skipped "BENCH_COLD_OPEN=$COLD_OPEN"
elif [[ "$USE_RUNNING" == true ]]; then
  fact cold_open.skipped "BENCH_USE_RUNNING=true: the bench does not restart a stack it did not start"
else
  log "cold open: fresh gateway, stock-service and order-consumer JVMs ..."
  stop_pid "$GATEWAY_PID"; stop_pid "$CONSUMER_PID"; stop_pid "$STOCK_PID"
  start_service stock-service-cold stock-service/target/seckill-stock-service.jar "$STOCK_MANAGEMENT_PORT" "$STOCK_PORT"
  STOCK_PID="$STARTED_PID"
  start_service order-consumer-cold order-consumer/target/seckill-order-consumer.jar "$CONSUMER_PORT"
  CONSUMER_PID="$STARTED_PID"
  SECKILL_STOCK_SERVICE_URL="http://127.0.0.1:$STOCK_PORT" start_service gateway-cold gateway/target/seckill-gateway.jar \
    "$GATEWAY_MANAGEMENT_PORT" "$GATEWAY_PORT"
  GATEWAY_PID="$STARTED_PID"
  cold_open_s=$(( $(date +%s) + COLD_LEAD ))
  COLD_SALE="$(create_sale "bench cold open" "$ADMIT_STOCK" false "$BUCKETS" "$(date -u -d "@$cold_open_s" +%Y-%m-%dT%H:%M:%SZ)")"
  cold_open_ms=$(( cold_open_s * 1000 ))
  # One sampler started now, sleeping until the opening and the window's end: no JVM starts at the opening.
  # shellcheck disable=SC2046
  java -Xmx64m -cp "$LOAD_JAR" io.seckill.loadtest.JitCounters $(jit_jvms) --sample "cold_open.before@$cold_open_ms" \
    --sample "cold_open.after@$(( cold_open_ms + COLD_WINDOW * 1000 ))" >"$RUN/jit-cold-open.facts" 2>"$RUN/logs/jit-cold-open.log" &
  cold_jit_pid=$!
  PIDS+=("$cold_jit_pid")
  cold_seconds=$(( cold_open_s + COLD_WINDOW + 1 - $(date +%s) ))
  log "cold open: sale $COLD_SALE opens at $(date -u -d "@$cold_open_s" +%H:%M:%S) UTC; wrk knocks for ${cold_seconds}s from now ..."
  wrk_run cold-open "$GATEWAY_URL/api/v1/sales/$COLD_SALE/orders" "$cold_seconds" "$TOKENS/cold.tokens" "$ACKED/D-cold-" 0 \
    "$RUN/cold-timings-"
  if wait "$cold_jit_pid"; then cat "$RUN/jit-cold-open.facts" >>"$FACTS"; else log "cold open: JIT sampler failed, see $RUN/logs/jit-cold-open.log"; fi
  stop_pid "$cold_jit_pid"
  fact cold_open.open_ms "$cold_open_ms"; fact cold_open.window_s "$COLD_WINDOW"; fact cold_open.lead_s "$COLD_LEAD"
  fact cold_open.sale "$COLD_SALE"
  log "cold open: $(cat "$RUN"/cold-timings-*.txt 2>/dev/null | awk -v a="${cold_open_ms}000" -v w="$COLD_WINDOW" \
    '$3 == 202 && $1 >= a && $1 < a + w * 1000000 { n++ } END { printf "%.0f", n / w }') admitted/s over the first ${COLD_WINDOW}s"
fi
