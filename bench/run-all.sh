#!/usr/bin/env bash
# Runs every bench/*.sh (not this one). --smoke: small inputs, for CI.
set -euo pipefail
cd "$(dirname "$0")"
status=0
for b in ./*.sh; do
  [ "$b" = ./run-all.sh ] && continue
  [ "$b" = ./lib.sh ] && continue
  echo "== $b $*"
  "$b" "$@" || { echo "bench $b failed" >&2; status=1; }
done
exit $status
