#!/usr/bin/env bash
# Prints the admin token of the running local stack (from .local/env, written by run-local.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -n "${SECKILL_ADMIN_TOKEN:-}" ]]; then echo "$SECKILL_ADMIN_TOKEN"; exit 0; fi
grep '^SECKILL_ADMIN_TOKEN=' "$ROOT/.local/env" 2>/dev/null | cut -d= -f2- || { echo "admin-token.sh: no running local stack" >&2; exit 2; }
