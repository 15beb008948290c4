# The meltano-temporal worker image, as Meltano containerizes a project: the project baked in,
# `meltano install` brings its plugins (meltano-temporal among them, with its own Node), and the
# container runs `meltano invoke temporal:worker`. Three stages; only the last one ships.
#   docker build --build-arg PROJECT=examples/mysql2pg -t meltano-temporal .
# A project that has no `temporal` utility yet gets plugin/temporal.yml added at build time.
ARG PYTHON_VERSION=3.11
# NODE_VERSION: the Node LTS that builds the wheel (the image runs on the wheel's own Node).
ARG NODE_VERSION=22

# 1. The plugin's wheel, from this checkout: `npm ci`, build, scripts/build_wheel.py.
FROM node:${NODE_VERSION}-bookworm-slim AS wheel
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/meltano-temporal
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json LICENSE ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts ./scripts
COPY python ./python
RUN npm run build && python3 scripts/build_wheel.py --out-dir /opt/wheels

# 2. Meltano and the project's plugins (`meltano install`); compilers stay in this stage. Same
#    base image and paths as the final stage, so the virtualenvs copied from here work there.
FROM python:${PYTHON_VERSION}-slim-bookworm AS project
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# Meltano and the PostgreSQL driver, pinned in requirements.txt (its other lines are this repository's tools).
COPY requirements.txt /opt/requirements.txt
RUN grep -E '^(meltano|psycopg)' /opt/requirements.txt > /opt/requirements-image.txt \
 && python -m venv /opt/meltano && /opt/meltano/bin/pip install --no-cache-dir -r /opt/requirements-image.txt
ENV PATH=/opt/meltano/bin:$PATH MELTANO_SEND_ANONYMOUS_USAGE_STATS=false
COPY --from=wheel /opt/wheels /opt/wheels
COPY plugin/temporal.yml /opt/plugin/temporal.yml
ARG PROJECT=examples/mysql2pg
COPY ${PROJECT} /project
WORKDIR /project
# uv takes meltano-temporal from the wheel built above, its dependencies from PyPI.
RUN (meltano config list temporal >/dev/null 2>&1 \
     || meltano add --no-install utility temporal --from-ref /opt/plugin/temporal.yml) \
 && UV_FIND_LINKS=/opt/wheels meltano install

# 3. The image: runtime packages only (setpriv from util-linux, git for plugins that need it).
FROM python:${PYTHON_VERSION}-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends util-linux ca-certificates git \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 1000 meltano
COPY --from=project /opt/meltano /opt/meltano
COPY --from=project --chown=meltano:meltano /project /project
ENV PATH=/opt/meltano/bin:$PATH \
    MELTANO_SEND_ANONYMOUS_USAGE_STATS=false \
    MELTANO_PROJECT_ROOT=/project
WORKDIR /project
# The project (state files, logs) belongs to this unprivileged user.
USER meltano

# `docker stop` sends SIGTERM to meltano, which forwards it once to the worker: running tasks
# get --shutdown-grace (give the container a stop timeout longer than that).
STOPSIGNAL SIGTERM
ENTRYPOINT ["meltano"]
CMD ["invoke", "temporal:worker"]
