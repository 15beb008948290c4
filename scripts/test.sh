#!/usr/bin/env bash
# `npm test`, the gate CI runs: setup, type check, format, lint, then every test tier
# (vitest.config.ts: unit, oracle and integration side by side, then slow).
# One tier alone: npm run test:unit | test:oracle | test:integration | test:slow.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --databases --test-tools --cluster
echo "[test] type check" >&2
npx tsc -p tsconfig.lint.json
echo "[test] format" >&2
npx prettier --check . --log-level warn
echo "[test] lint" >&2
npx eslint .
echo "[test] vitest" >&2
export PATH="$PWD/.venv/bin:$PATH"
npx vitest run "$@"
