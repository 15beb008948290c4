#!/usr/bin/env bash
# `npm run bench -- NAME [args]`: setup, then one benchmark from bench/ (default: all).
# `airflow` is opt-in (installs Apache Airflow into .bench/airflow-venv on first use): not part of "all".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
export PATH="$PWD/.venv/bin:$PATH"
names=("${1:-all}")
shift || true
# Helper modules of the benchmarks, and the opt-in ones, are not run by "all": airflow installs Airflow;
# cluster-load builds and starts the self-hosted cluster and runs for more than ten minutes
# (npm run bench -- cluster-load [--schedules N] [--minutes M]).
not_in_all=" util big-project noop-job task-boundary proc-tree up-process heap-summary bundle-parts worker-memory-probe airflow-standalone airflow cluster-load bare-sdk-workflows bare-sdk-side "
if [ "${names[0]}" = all ]; then
  names=()
  for f in bench/*.ts; do n=$(basename "$f" .ts); [[ "$not_in_all" == *" $n "* ]] || names+=("$n"); done
fi
for n in "${names[@]}"; do
  echo "== bench/$n.ts" 
  node "dist/bench/$n.js" "$@"
done
