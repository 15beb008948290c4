#!/usr/bin/env bash
# One idempotent setup for users, tests and CI: npm dependencies, the build,
# and ./.venv with the pinned Python tools (meltano, temporal, test server).
# Fast when everything is in place: each step is skipped while its inputs
# are unchanged. `--databases` also installs and starts MariaDB and PostgreSQL;
# `--test-tools` installs Chromium and docker-compose for the tests;
# `--cluster` builds the self-hosted cluster's binaries once per machine (deploy/cluster.sh build).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
step() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

# 1. npm dependencies, exactly as package-lock.json pins them: `npm ci` never
# rewrites the lock file and fails when it does not match package.json (after
# changing a dependency, run `npm install` once and commit the lock file). The lock
# file alone is hashed: it records package.json's dependencies, so an edit of the
# scripts does not reinstall (and wipe a node_modules that other checkouts link to).
want=$(hash_of package-lock.json)
if [ ! -d node_modules ] || [ "$(cat node_modules/.setup-hash 2>/dev/null)" != "$want" ]; then
  step "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > node_modules/.setup-hash
fi

# 2. Build (TypeScript + the prebuilt workflow bundle) when a source changed.
newest_src=$(find src workflows activities scripts bench tsconfig.json package.json -newer dist/.build-stamp -type f 2>/dev/null | head -1 || true)
if [ ! -f dist/.build-stamp ] || [ -n "$newest_src" ]; then
  step "building (tsc + workflow bundle)"
  npm run --silent build
  touch dist/.build-stamp
fi

# 3. Python tools in ./.venv, pinned by requirements.txt.
want=$(hash_of requirements.txt)
if [ ! -x .venv/bin/meltano ] || [ "$(cat .venv/.setup-hash 2>/dev/null)" != "$want" ]; then
  step "creating .venv with $(grep -v '^#' requirements.txt | tr '\n' ' ')"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$want" > .venv/.setup-hash
fi

for arg in "$@"; do
  case "$arg" in
    --databases) bash "$ROOT/scripts/databases.sh" start ;;
    --test-tools)
      # Headless Chromium (Web UI test) and docker-compose (validates docker-compose.yml
      # without a Docker engine), from Debian's packages: no browser download.
      missing=()
      [ -x /usr/bin/chromium ] || missing+=(chromium)
      command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
      if [ ${#missing[@]} -gt 0 ]; then
        step "installing ${missing[*]} (apt-get)"
        SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
        $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
      fi ;;
    # Compiling the Temporal server from Go takes minutes (far more on a busy host): here, once,
    # with progress, rather than inside a test's setup hook and its timeout.
    --cluster) bash "$ROOT/deploy/cluster.sh" build ;;
    *) echo "setup.sh: unknown option $arg (use --databases, --test-tools, --cluster)" >&2; exit 2 ;;
  esac
done
step "ready: meltano $(.venv/bin/meltano --version 2>/dev/null | awk '{print $3}'), temporal $(.venv/bin/temporal --version | awk '{print $3}')"
