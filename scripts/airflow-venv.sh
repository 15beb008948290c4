#!/usr/bin/env bash
# The Airflow side of `npm run bench -- airflow`: a virtualenv with apache-airflow
# (version and every dependency pinned by bench/airflow/constraints.txt) in the
# git-ignored .bench/airflow-venv. Idempotent: skipped while the pins are unchanged.
# Prints the venv's bin directory.
set -euo pipefail
cd "$(dirname "$0")/.."
AIRFLOW_VERSION=3.3.2
VENV=.bench/airflow-venv
CONSTRAINTS=bench/airflow/constraints.txt
want=$( (echo "$AIRFLOW_VERSION"; cat "$CONSTRAINTS") | sha256sum | cut -c1-16)
if [ ! -x "$VENV/bin/airflow" ] || [ "$(cat "$VENV/.setup-hash" 2>/dev/null)" != "$want" ]; then
  echo "[airflow-venv] installing apache-airflow==$AIRFLOW_VERSION into $VENV (a few minutes)" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "apache-airflow==$AIRFLOW_VERSION" -c "$CONSTRAINTS" >&2
  echo "$want" > "$VENV/.setup-hash"
fi
echo "$PWD/$VENV/bin"
