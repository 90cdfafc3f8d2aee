# Sourced by scripts/bench.sh when BENCH_GATLING=true (uses its functions and variables).
# The realistic shopper flow (read sale, purchase token, buy, poll the order) through Gatling, in an
# open model at half the admission rate just measured, on its own sale that requires purchase
# tokens. Prints the buy call's p99 from the report's stats (issue #15 target <= 25 ms; reported, not asserted).
GATLING_RATE=$(( ${ADMIT_RPS:-0} / 2 ))
(( GATLING_RATE >= 1 )) || GATLING_RATE=1
gatling_users=$(( GATLING_RATE * GATLING_DURATION + 100 ))
GATLING_SALE="$(create_sale "bench gatling" $(( gatling_users + 100 )) true)"
log "gatling: $GATLING_RATE shoppers/s for ${GATLING_DURATION}s on sale $GATLING_SALE (mvn -Pgatling) ..."
java -cp "$LOAD_JAR" io.seckill.loadtest.MintTokens --out-dir "$TOKENS" --ttl-seconds 3600 \
  --file "gatling:bench-g-:$gatling_users"
# In the reactor (-am): a clean checkout has nothing of the project's own in ~/.m2.
if mvn -B -q -pl load-test -am -Pgatling -DskipTests verify \
    -Dseckill.baseUrl="$GATEWAY_URL" -Dseckill.saleId="$GATLING_SALE" -Dseckill.usersPerSec="$GATLING_RATE" \
    -Dseckill.durationSeconds="$GATLING_DURATION" -Dseckill.tokensFile="$TOKENS/gatling.tokens" \
    >"$RUN/logs/gatling.log" 2>&1; then
  GATLING_REPORT="$(ls -td "$ROOT"/load-test/target/gatling/shopperflowsimulation-* 2>/dev/null | head -1)"
  if [[ -n "$GATLING_REPORT" && -f "$GATLING_REPORT/index.html" ]]; then
    read -r GATLING_BUY_P99 gatling_p50 gatling_buys gatling_ko < <(java -cp "$LOAD_JAR" io.seckill.loadtest.GatlingStats "$GATLING_REPORT" buy)
    fact gatling_buy_p99_ms "$GATLING_BUY_P99"; fact gatling_buy_p50_ms "$gatling_p50"
    fact gatling_buys "$gatling_buys"; fact gatling_buy_failures "$gatling_ko"
    fact setting.gatling_users_per_s "$GATLING_RATE"; fact setting.gatling_duration_s "$GATLING_DURATION"
    fact setting.gatling_report "$GATLING_REPORT"
  else
    log "gatling ran but left no report, see $RUN/logs/gatling.log"
  fi
else
  tail -20 "$RUN/logs/gatling.log" >&2
  log "gatling phase failed (see $RUN/logs/gatling.log); the other figures stand"
fi
