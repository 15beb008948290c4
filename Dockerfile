# The meltano-temporal worker image: Node + Python + pinned Meltano + this tool,
# with a Meltano project baked in and its plugins installed at build time.
#   docker build --build-arg PROJECT=examples/mysql2pg -t meltano-temporal .
FROM node:20-bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv python3-dev build-essential git util-linux ca-certificates \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/meltano-temporal
COPY package.json package-lock.json requirements.txt ./
RUN npm ci --no-audit --no-fund \
 && python3 -m venv .venv \
 && .venv/bin/pip install --no-cache-dir -r requirements.txt 'psycopg[binary]>=3.1,<4'
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts ./scripts
COPY bench ./bench
RUN npm run build && chmod +x dist/src/cli/main.js && ln -s /opt/meltano-temporal/dist/src/cli/main.js /usr/local/bin/meltano-temporal
ENV PATH=/opt/meltano-temporal/.venv/bin:$PATH \
    MELTANO_SEND_ANONYMOUS_USAGE_STATS=false \
    MELTANO_PROJECT_ROOT=/project

# The Meltano project: baked in here (override at run time with a volume on /project).
ARG PROJECT=examples/mysql2pg
COPY ${PROJECT} /project
WORKDIR /project
RUN meltano install

# Workers stop gracefully on SIGTERM: running tasks get --shutdown-grace.
STOPSIGNAL SIGTERM
ENTRYPOINT ["meltano-temporal"]
CMD ["worker"]
