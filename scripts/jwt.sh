#!/usr/bin/env bash
# Mints a shopper JWT (HS256, sub = user) for the local stack, or one per line for N users.
#   scripts/jwt.sh alice              one token for user "alice"
#   scripts/jwt.sh --users 1000 --out tokens.txt   tokens for user-1 .. user-1000
# Uses SECKILL_JWT_SECRET from the environment, else the secret scripts/run-local.sh saved.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "${SECKILL_JWT_SECRET:-}" && -f "$ROOT/.local/env" ]]; then
  SECKILL_JWT_SECRET="$(grep '^SECKILL_JWT_SECRET=' "$ROOT/.local/env" | cut -d= -f2-)"
fi
[[ -n "${SECKILL_JWT_SECRET:-}" ]] || { echo "jwt.sh: SECKILL_JWT_SECRET is not set and no .local/env from run-local.sh" >&2; exit 2; }
export SECKILL_JWT_SECRET
JAR="$ROOT/gateway/target/seckill-gateway.jar"
[[ -f "$JAR" ]] || { echo "jwt.sh: $JAR missing, build with: mvn -B -q -DskipTests package" >&2; exit 2; }
if [[ $# -eq 1 && "$1" != --* ]]; then
  exec java -cp "$JAR" io.seckill.gateway.tools.MintJwts --user "$1"
fi
exec java -cp "$JAR" io.seckill.gateway.tools.MintJwts "$@"
