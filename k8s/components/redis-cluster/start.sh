#!/bin/sh
# Starts one Redis Cluster node: redis-server with $REDIS_CONF and the arguments given (the
# StatefulSet passes --cluster-announce-hostname <pod>.redis-cluster).
#
# Before that, it refreshes the peers' addresses in nodes.conf. The cluster bus dials peers by the
# IP recorded there; a pod that restarts comes back with a new IP. One restarted pod is found again
# (it dials its peers at their unchanged IPs and they learn its new one), but when every pod
# restarts together (a node pool upgrade, a namespace-wide restart) every recorded IP is stale and
# no node can reach any other. Each line of nodes.conf also holds the peer's announced hostname
# (ip:port@cport,hostname[,aux...]); resolving it gives the current IP. A name that does not
# resolve yet (its pod is not scheduled) keeps its old IP: gossip corrects it once that pod is up.
set -eu

REDIS_CONF="${REDIS_CONF:-/usr/local/etc/redis/redis.conf}"

setting() {
  awk -v key="$1" '$1 == key { print $2 }' "$REDIS_CONF" | tail -n 1
}

nodes_conf="$(setting cluster-config-file)"
case "$nodes_conf" in
  /*) ;;
  *) nodes_conf="$(setting dir)/${nodes_conf:-nodes.conf}" ;;
esac

# In a function: its positional parameters are its own, so "$@" below stays the script's arguments.
refresh_peer_addresses() {
  refreshed="$nodes_conf.refreshed"
  : > "$refreshed"
  while IFS= read -r line; do
    set -f
    # shellcheck disable=SC2086 # split the line into its space-separated fields on purpose
    set -- $line
    set +f
    if [ "$#" -ge 2 ] && [ "$1" != vars ]; then
      address="${2%%,*}"              # ip:port@cport
      host="${2#*,}"
      host="${host%%,*}"              # the announced hostname, empty if none
      old_ip="${address%:*}"
      if [ "$host" != "$2" ] && [ -n "$host" ]; then
        new_ip="$(getent hosts "$host" | awk 'NR == 1 { print $1 }')" || new_ip=""
        if [ -n "$new_ip" ] && [ "$new_ip" != "$old_ip" ]; then
          echo "start.sh: node $1 ($host) is now at $new_ip, not $old_ip"
          line="$1 $new_ip:${address##*:}${2#"$address"}${line#"$1 $2"}"
        fi
      fi
    fi
    printf '%s\n' "$line" >> "$refreshed"
  done < "$nodes_conf"
  mv "$refreshed" "$nodes_conf"
}

if [ -s "$nodes_conf" ]; then
  refresh_peer_addresses
fi

# ACL users (the StatefulSet sets REDIS_ACL_TEMPLATES): the base's redis-acl.conf plus cluster-acl.conf, their
# passwords filled in from the Secrets, written to a memory-backed volume; replicas log in to their primary as
# seckill-replication. Without it (the boot test on a bare machine) the node runs with no ACL.
if [ -n "${REDIS_ACL_TEMPLATES:-}" ]; then
  acl_dir="${REDIS_ACL_DIR:-/acl}"
  # shellcheck disable=SC2086 # a space-separated list of template files
  sh "$REDIS_ACL_RENDER" "$acl_dir/users.acl" $REDIS_ACL_TEMPLATES
  umask 077
  printf 'masteruser seckill-replication\nmasterauth %s\n' "$SECKILL_REDIS_REPLICATION_PASSWORD" > "$acl_dir/replication.conf"
  exec redis-server "$REDIS_CONF" --aclfile "$acl_dir/users.acl" --include "$acl_dir/replication.conf" "$@"
fi

exec redis-server "$REDIS_CONF" "$@"
