#!/bin/sh
# Makes a Redis Cluster of the nodes given as host:port arguments (the Job passes every pod of the
# StatefulSet), once. Safe to run any number of times:
#   1. waits until every node answers PING (pods start in parallel; DNS names exist before they
#      are ready because the headless Service publishes not-ready addresses);
#   2. if any node reports cluster_state:ok with all 16384 slots assigned, the cluster exists:
#      print it, change nothing (cluster_state alone is not enough: with
#      cluster-require-full-coverage no, a lone node holding some slots also says ok);
#   3. if some node already knows peers or holds slots but none passes 2 yet, a create is
#      converging (or stopped half-way): wait for it, and fail with advice rather than create over it;
#   4. otherwise redis-cli --cluster create <every node> --cluster-replicas $CLUSTER_REPLICAS,
#      then wait until every node reports cluster_state:ok.
set -eu

CLUSTER_REPLICAS="${CLUSTER_REPLICAS:-1}"
WAIT_SECONDS="${WAIT_SECONDS:-600}"

if [ "$#" -lt 3 ]; then
  echo "usage: bootstrap.sh host:port host:port host:port ... (every node of the cluster)" >&2
  exit 2
fi
deadline=$(( $(date +%s) + WAIT_SECONDS ))

# With REDIS_USER set (the Job: seckill-cluster-admin), redis-cli logs in as it with the password in REDISCLI_AUTH.
cli() {
  target="$1"
  shift
  redis-cli ${REDIS_USER:+--user "$REDIS_USER"} -h "${target%:*}" -p "${target##*:}" "$@"
}

# One field of CLUSTER INFO (redis-cli prints its CRLF lines as they are).
info_field() {
  cli "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"
}

time_left() {
  [ "$(date +%s)" -lt "$deadline" ]
}

any_node_ok() {
  for n in "$@"; do
    if [ "$(info_field "$n" cluster_state)" = ok ] && [ "$(info_field "$n" cluster_slots_assigned)" = 16384 ]; then
      ok_node="$n"
      return 0
    fi
  done
  return 1
}

for node in "$@"; do
  until [ "$(cli "$node" ping 2>/dev/null)" = PONG ]; do
    if ! time_left; then
      echo "bootstrap: $node did not answer PING within ${WAIT_SECONDS}s" >&2
      exit 1
    fi
    sleep 2
  done
done
echo "bootstrap: all $# nodes answer PING"

ok_node=""
if any_node_ok "$@"; then
  echo "bootstrap: $ok_node reports cluster_state:ok with every slot assigned; the cluster exists, nothing to do"
  cli "$ok_node" cluster nodes
  for node in "$@"; do
    if [ "$(info_field "$node" cluster_known_nodes)" = 1 ]; then
      echo "bootstrap: WARNING $node is not part of the cluster (a new pod or a lost volume);" \
        "add it by hand: redis-cli --cluster add-node $node $ok_node --cluster-slave" >&2
    fi
  done
  exit 0
fi

joined=""
for node in "$@"; do
  if [ "$(info_field "$node" cluster_known_nodes)" != 1 ] || [ "$(info_field "$node" cluster_slots_assigned)" != 0 ]; then
    joined="$joined $node"
  fi
done
if [ -n "$joined" ]; then
  echo "bootstrap: nodes already joined or holding slots:$joined; waiting for a complete cluster"
  until any_node_ok "$@"; do
    if ! time_left; then
      echo "bootstrap: no complete cluster within ${WAIT_SECONDS}s, and some nodes are not empty:$joined." \
        "Not creating over them. Inspect with: redis-cli --cluster check $1 (then --cluster fix, or" \
        "CLUSTER RESET on nodes holding no data) and run this Job again." >&2
      exit 1
    fi
    sleep 2
  done
  echo "bootstrap: $ok_node reports cluster_state:ok; nothing to do"
  exit 0
fi

echo "bootstrap: creating a cluster of $# nodes with $CLUSTER_REPLICAS replica(s) per primary"
redis-cli ${REDIS_USER:+--user "$REDIS_USER"} --cluster create "$@" --cluster-replicas "$CLUSTER_REPLICAS" --cluster-yes

for node in "$@"; do
  until [ "$(info_field "$node" cluster_state)" = ok ]; do
    if ! time_left; then
      echo "bootstrap: $node did not reach cluster_state:ok within ${WAIT_SECONDS}s" >&2
      exit 1
    fi
    sleep 1
  done
done
echo "bootstrap: cluster_state:ok on all $# nodes"
cli "$1" cluster nodes
