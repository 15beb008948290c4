#!/usr/bin/env bash
# `npm run bench -- NAME [args]`: setup, then one benchmark from bench/ (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
export PATH="$PWD/.venv/bin:$PATH"
names=("${1:-all}")
shift || true
# `all` leaves out cluster-load: it builds and starts the self-hosted cluster and runs for more than
# ten minutes (npm run bench -- cluster-load [--schedules N] [--minutes M]).
if [ "${names[0]}" = all ]; then names=(); for f in bench/*.ts; do n=$(basename "$f" .ts); [ "$n" = util ] || [ "$n" = cluster-load ] || names+=("$n"); done; fi
for n in "${names[@]}"; do
  echo "== bench/$n.ts" 
  node "dist/bench/$n.js" "$@"
done
