#!/bin/sh
# Usage: redis-acl-render.sh OUTPUT TEMPLATE...
# Writes the templates to OUTPUT (mode 600) without comment and blank lines, each ${VAR} replaced by the value of
# the environment variable VAR (a password from a Secret). Fails, naming the variable but never a value, when one is
# unset, empty or holds whitespace (Redis splits ACL rules on spaces: such a value would become extra rules).
set -eu
out="$1"
shift
umask 077
trap 'rm -f "$out.tmp"' EXIT
awk '
  /^[[:space:]]*(#|$)/ { next }
  {
    line = $0
    done = ""
    while (match(line, /\$\{[A-Za-z_][A-Za-z0-9_]*\}/)) {
      name = substr(line, RSTART + 2, RLENGTH - 3)
      if (!(name in ENVIRON) || ENVIRON[name] == "" || ENVIRON[name] ~ /[[:space:]]/) {
        print "redis-acl-render: " name " is unset, empty or holds whitespace" > "/dev/stderr"
        failed = 1
        exit 1
      }
      done = done substr(line, 1, RSTART - 1) ENVIRON[name]
      line = substr(line, RSTART + RLENGTH)
    }
    print done line
  }
' "$@" > "$out.tmp"
mv "$out.tmp" "$out"
