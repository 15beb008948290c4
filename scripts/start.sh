#!/usr/bin/env bash
# `npm start`: the seeds' mysql2pg pipeline on the embedded Temporal.
# Setup (npm, build, .venv, MariaDB + PostgreSQL), the example's source data
# and plugins, then `meltano-temporal up` with one run triggered at start.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
EXAMPLE="$ROOT/examples/mysql2pg"
bash scripts/setup.sh --databases
set -a; eval "$(bash scripts/databases.sh env)"; set +a
if ! MYSQL_PWD="$MT_MYSQL_PASSWORD" mariadb -h "$MT_MYSQL_HOST" -P "$MT_MYSQL_PORT" -u "$MT_MYSQL_USER" -e 'SELECT 1 FROM shop.orders LIMIT 1' >/dev/null 2>&1; then
  bash scripts/databases.sh seed
fi
export PATH="$ROOT/.venv/bin:$PATH" MELTANO_SEND_ANONYMOUS_USAGE_STATS=false
if [ ! -x "$EXAMPLE/.meltano/extractors/tap-mysql/venv/bin/tap-mysql" ] || [ ! -x "$EXAMPLE/.meltano/loaders/target-postgres/venv/bin/target-postgres" ] || [ ! -x "$EXAMPLE/.meltano/utilities/dbt-postgres/venv/bin/dbt" ]; then
  echo "[start] installing the example's plugins (meltano install: tap-mysql, target-postgres, dbt-postgres)" >&2
  (cd "$EXAMPLE" && meltano install)
fi
# The shipped command, as package.json's `bin` names it.
exec node "$ROOT/$(node -p "require('./package.json').bin['meltano-temporal']")" --project "$EXAMPLE" up --trigger mysql2pg "$@"
