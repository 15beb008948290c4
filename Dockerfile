# The meltano-temporal worker image: Node LTS + Python with the pinned Meltano,
# this tool (production dependencies only) and a Meltano project baked in with
# its plugins installed. Three stages; only the last one ships.
#   docker build --build-arg PROJECT=examples/mysql2pg -t meltano-temporal .
# NODE_VERSION: a Node LTS still supported (22 until 2027-04, 24 until 2028-04).
ARG NODE_VERSION=22

# 1. This tool: `npm ci` from the lock file, compile, then drop the dev dependencies.
FROM node:${NODE_VERSION}-bookworm-slim AS node-build
WORKDIR /opt/meltano-temporal
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# 2. Python: the pinned tools in a virtualenv, and the project's plugins (`meltano install`).
#    Compilers stay in this stage. Same base image and paths as the final stage, so the
#    virtualenvs copied from here work there.
FROM node:${NODE_VERSION}-bookworm-slim AS python-build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv python3-dev build-essential git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/meltano-temporal
COPY requirements.txt ./
RUN python3 -m venv .venv && .venv/bin/pip install --no-cache-dir -r requirements.txt
ENV PATH=/opt/meltano-temporal/.venv/bin:$PATH MELTANO_SEND_ANONYMOUS_USAGE_STATS=false
ARG PROJECT=examples/mysql2pg
COPY ${PROJECT} /project
WORKDIR /project
RUN meltano install

# 3. The image: runtime packages only (python3 for Meltano and the plugins, setpriv from util-linux).
FROM node:${NODE_VERSION}-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 util-linux ca-certificates git \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/meltano-temporal
COPY --from=node-build /opt/meltano-temporal/package.json ./
COPY --from=node-build /opt/meltano-temporal/node_modules ./node_modules
COPY --from=node-build /opt/meltano-temporal/dist ./dist
COPY --from=python-build /opt/meltano-temporal/.venv ./.venv
COPY --from=python-build --chown=node:node /project /project
RUN ln -s "/opt/meltano-temporal/$(node -p "require('./package.json').bin['meltano-temporal']")" /usr/local/bin/meltano-temporal
ENV PATH=/opt/meltano-temporal/.venv/bin:$PATH \
    NODE_ENV=production \
    MELTANO_SEND_ANONYMOUS_USAGE_STATS=false \
    MELTANO_PROJECT_ROOT=/project
WORKDIR /project
# The project (state files, logs) belongs to this unprivileged user.
USER node

# Workers stop gracefully on SIGTERM: running tasks get --shutdown-grace.
STOPSIGNAL SIGTERM
ENTRYPOINT ["meltano-temporal"]
CMD ["worker"]
