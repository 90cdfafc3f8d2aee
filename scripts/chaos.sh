#!/usr/bin/env bash
# The fault suite in one command (docs/guarantees.md): builds the services' shaded jars, then runs ONLY the
# fault-tests scenarios (Maven profile `chaos`; a plain `mvn verify` skips them). Each scenario starts the
# services as separate processes against real Redis, PostgreSQL and Kafka, injects its fault under buyer load,
# checks the invariants and appends one line to fault-tests/target/fault-report.txt, printed at the end.
#
#   scripts/chaos.sh                                  # all scenarios (~5-8 min on 2 cores)
#   scripts/chaos.sh -Dtest=KafkaOutageTest           # one scenario
#   scripts/chaos.sh -Dseckill.fault.pgRestart=drop   # drop PG connections instead of restarting the local cluster
#   CHAOS_SEED=8812 CHAOS_ROUNDS=60 scripts/chaos.sh -Dtest=RandomizedFaultRunTest   # a longer randomized run
#
# The randomized run (RandomizedFaultRunTest) prints its seed: CHAOS_SEED repeats its faults, CHAOS_ROUNDS (default
# 10) sets how many; see docs/guarantees.md, "The randomized fault run".
#
# The PostgreSQL scenario restarts the machine's cluster on 5432 when run as root (pg_ctlcluster), which briefly
# interrupts every other user of that server. The Redis scenario uses its own redis-server, never 6379.
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q install -DskipTests -pl gateway,order-consumer,stock-service,test-fixtures -am
rm -f fault-tests/target/fault-report.txt
status=0
mvn -B verify -Pchaos -pl fault-tests "$@" || status=$?
echo
echo "== fault report (fault-tests/target/fault-report.txt; service logs in fault-tests/target/logs/)"
cat fault-tests/target/fault-report.txt 2>/dev/null || echo "(no scenario reached its verdict)"
exit "$status"
