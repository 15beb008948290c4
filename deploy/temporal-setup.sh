#!/bin/sh
# Prepares a Temporal cluster for meltano-temporal; run by deploy/cluster.sh on
# this host and by the temporalio/admin-tools containers of docker-compose.yml
# (POSIX sh: those images have no bash). Safe to run again at every start.
#
#   temporal-setup.sh schema      create the two databases and apply/upgrade their schemas
#                                 (before the server starts)
#   temporal-setup.sh namespace   wait for the frontend, register the namespace and our
#                                 search attributes (after the server started)
#
# Settings: the server's own variables (deploy/temporal-server.yaml): POSTGRES_SEEDS, DB_PORT,
# POSTGRES_USER, POSTGRES_PWD, DBNAME, VISIBILITY_DBNAME; the temporal CLI's: TEMPORAL_ADDRESS,
# TEMPORAL_NAMESPACE and TEMPORAL_TLS_*; SQL_TOOL (temporal-sql-tool) and TEMPORAL_CLI (temporal)
# name the binaries; NAMESPACE_RETENTION (72h) applies when the namespace is created.
set -eu

SQL_TOOL="${SQL_TOOL:-temporal-sql-tool}"
TEMPORAL_CLI="${TEMPORAL_CLI:-temporal}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
SEARCH_ATTRIBUTES="MeltanoProject MeltanoSchedule MeltanoJob MeltanoEnvironment MeltanoSyncHash"

log() { echo "[temporal-setup] $*" >&2; }

schema() {
  for pair in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
    db=${pair%%:*}
    name=postgresql/v12/${pair#*:}
    set -- --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "${DB_PORT:-5432}" -u "$POSTGRES_USER" --pw "${POSTGRES_PWD:-}" --db "$db"
    # Each step is idempotent: an existing database is kept, a current schema is left alone.
    "$SQL_TOOL" "$@" create-database
    "$SQL_TOOL" "$@" setup-schema -v 0.0
    "$SQL_TOOL" "$@" update-schema --schema-name "$name"
    log "database $db: schema $name is current"
  done
}

namespace() {
  i=0
  until "$TEMPORAL_CLI" operator cluster health --command-timeout 5s 2>/dev/null | grep -q '^SERVING'; do
    i=$((i + 1))
    [ "$i" -lt 90 ] || { log "the frontend at ${TEMPORAL_ADDRESS:-?} is not serving after 3 minutes"; exit 1; }
    sleep 2
  done
  if ! "$TEMPORAL_CLI" operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
    "$TEMPORAL_CLI" operator namespace create --namespace "$NAMESPACE" --retention "${NAMESPACE_RETENTION:-72h}"
    log "namespace $NAMESPACE registered"
  fi
  for attr in $SEARCH_ATTRIBUTES; do
    # Right after the namespace is created the frontend may not know it yet: retry for a while.
    i=0
    until "$TEMPORAL_CLI" operator search-attribute list --namespace "$NAMESPACE" 2>/dev/null | grep -qw "$attr" \
      || "$TEMPORAL_CLI" operator search-attribute create --namespace "$NAMESPACE" --name "$attr" --type Keyword >/dev/null 2>&1; do
      i=$((i + 1))
      [ "$i" -lt 30 ] || { log "cannot add search attribute $attr"; exit 1; }
      sleep 1
    done
  done
  # Usable in queries once the frontend's namespace cache has refreshed.
  i=0
  until "$TEMPORAL_CLI" workflow list --namespace "$NAMESPACE" --limit 1 --query 'MeltanoProject="setup-probe"' >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -lt 60 ] || { log "search attribute MeltanoProject is still not queryable after a minute"; exit 1; }
    sleep 1
  done
  log "namespace $NAMESPACE with search attributes $SEARCH_ATTRIBUTES (Keyword)"
}

case "${1:-}" in
  schema) schema ;;
  namespace) namespace ;;
  *) echo "usage: temporal-setup.sh schema|namespace" >&2; exit 2 ;;
esac
