/**
 * docker-compose.yml, the Dockerfile and .dockerignore. There is no Docker
 * engine on these machines: the compose file is validated with
 * `docker-compose config` (Debian's docker-compose, installed by `npm test`'s
 * setup) and its content checked against what deploy/cluster.sh runs on this
 * host (the same server version, config file, setup script and certificates);
 * nothing is built or started here. The cluster itself is tested in
 * test/cluster/.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/run.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: unknown[];
  deploy?: { replicas?: number };
  init?: boolean;
}

/** What deploy/cluster.sh uses (`cluster.sh paths`: name=value lines). */
async function scriptPaths(): Promise<Record<string, string>> {
  const r = await execa('bash', [path.join(REPO_ROOT, 'deploy', 'cluster.sh'), 'paths']);
  return Object.fromEntries(r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** host path -> container path of a service's bind mounts, host paths resolved by docker-compose. */
function mounts(s: Service | undefined): Map<string, string> {
  return new Map((s?.volumes ?? []).map((v) => v.split(':')).map(([host, container]) => [container ?? '', host ?? '']));
}

const SERVERS = {
  temporal: 'frontend',
  'temporal-history': 'history',
  'temporal-matching': 'matching',
  'temporal-worker': 'worker',
};

describe('docker-compose.yml', () => {
  it('is valid for docker-compose and runs the cluster of deploy/cluster.sh: same version, config file, setup script, certificates', async () => {
    const file = path.join(REPO_ROOT, 'docker-compose.yml');
    // No engine is needed for `config`; a missing docker-compose fails this test loudly.
    const r = await execa('docker-compose', ['-f', file, 'config'], { env: { WORKER_REPLICAS: '3' } });
    const resolved = parse(r.stdout) as { services: Record<string, Service>; volumes: Record<string, unknown> };
    const s = resolved.services;
    const script = await scriptPaths();
    expect(Object.keys(s).sort()).toEqual([
      'postgresql',
      'sync',
      'temporal',
      'temporal-history',
      'temporal-matching',
      'temporal-namespace',
      'temporal-schema',
      'temporal-ui',
      'temporal-worker',
      'worker',
    ]);
    // Current images, pinned to what the script builds; no deprecated auto-setup image.
    expect(readFileSync(file, 'utf8')).not.toMatch(/auto-setup/u);
    expect(s['temporal-schema']?.image).toBe(`temporalio/admin-tools:${script.temporal_version}`);
    expect(s['temporal-namespace']?.image).toBe(`temporalio/admin-tools:${script.temporal_version}`);
    expect(s['temporal-ui']?.image).toBe(`temporalio/ui:${script.ui_version}`);

    // The four server services: the script's config file, one service each, health-checked.
    const configDir = path.dirname(script.config ?? '');
    for (const [name, service] of Object.entries(SERVERS)) {
      const svc = s[name];
      expect(svc?.image, name).toBe(`temporalio/server:${script.temporal_version}`);
      expect(svc?.environment?.TEMPORAL_SERVICES, name).toBe(service);
      const inContainer = svc?.environment?.TEMPORAL_SERVER_CONFIG_FILE_PATH ?? '';
      expect(mounts(svc).get(path.dirname(inContainer)), name).toBe(configDir);
      expect(path.join(configDir, path.basename(inContainer)), name).toBe(script.config);
      expect(mounts(svc).get(svc?.environment?.TEMPORAL_TLS_CERTS_DIR ?? '-'), name).toBe(script.certs);
      expect(path.join(configDir, path.basename(svc?.environment?.DYNAMIC_CONFIG_FILE_PATH ?? ''))).toBe(
        script.dynamic_config,
      );
      expect(svc?.healthcheck?.test, name).toBeDefined();
      expect(svc?.depends_on?.['temporal-schema']?.condition, name).toBe('service_completed_successfully');
      // Every variable the config template requires is set.
      for (const required of ['POSTGRES_SEEDS', 'POSTGRES_USER'])
        expect(svc?.environment?.[required], name).toBeTruthy();
    }
    const template = readFileSync(script.config ?? '', 'utf8');
    for (const m of template.matchAll(/fail "(\w+)/gu)) expect(['POSTGRES_SEEDS', 'POSTGRES_USER']).toContain(m[1]);

    // One-shot admin-tools containers run the script's setup steps from the same deploy/ folder.
    const setupIn = (name: string): string => {
      const cmd = s[name]?.command ?? [];
      const inContainer = cmd.find((c) => c.endsWith('temporal-setup.sh')) ?? '';
      return path.join(mounts(s[name]).get(path.dirname(inContainer)) ?? '-', path.basename(inContainer));
    };
    expect(setupIn('temporal-schema')).toBe(script.setup);
    expect(s['temporal-schema']?.command?.at(-1)).toBe('schema');
    expect(s['temporal-schema']?.depends_on?.postgresql?.condition).toBe('service_healthy');
    expect(setupIn('temporal-namespace')).toBe(script.setup);
    expect(s['temporal-namespace']?.command?.at(-1)).toBe('namespace');
    expect(s['temporal-namespace']?.depends_on?.temporal?.condition).toBe('service_healthy');

    // The UI and our containers start once the namespace is ready, and speak mTLS with the script's certificates.
    for (const name of ['temporal-ui', 'sync', 'worker'])
      expect(s[name]?.depends_on?.['temporal-namespace']?.condition, name).toBe('service_completed_successfully');
    expect(s['temporal-ui']?.environment?.TEMPORAL_TLS_CERT).toMatch(/^\/etc\/temporal\/certs\/client\.pem$/u);
    expect(mounts(s['temporal-ui']).get('/etc/temporal/certs')).toBe(script.certs);
    expect(JSON.stringify(s['temporal-ui']?.ports)).toMatch(/8080/u);
    for (const name of ['sync', 'worker']) {
      const e = s[name]?.environment ?? {};
      expect(e.TEMPORAL_ADDRESS, name).toBe('temporal:7233');
      expect(e.TEMPORAL_TLS_CLIENT_CERT_PATH, name).toBe('/etc/temporal/certs/client.pem');
      expect(e.TEMPORAL_TLS_CLIENT_KEY_PATH, name).toBe('/etc/temporal/certs/client.key');
      expect(e.TEMPORAL_TLS_SERVER_CA_CERT_PATH, name).toBe('/etc/temporal/certs/ca.pem');
      expect(e.TEMPORAL_TLS_SERVER_NAME, name).toBe('temporal');
      expect(mounts(s[name]).get('/etc/temporal/certs'), name).toBe(script.certs);
      expect(e.MELTANO_DATABASE_URI, name).toMatch(/^postgresql\+psycopg:\/\/.*@postgresql:5432\/meltano$/u);
    }
    // The image's entrypoint is meltano: the plugin runs under `meltano invoke`, behind tini.
    expect(s.sync?.command).toEqual(['invoke', 'temporal:sync']);
    expect(s.worker?.command?.slice(0, 2)).toEqual(['invoke', 'temporal:worker']);
    for (const name of ['sync', 'worker']) expect(s[name]?.init, name).toBe(true);
    expect(s.worker?.healthcheck?.test?.slice(0, 2)).toEqual(['CMD', 'python']);
    expect(s.worker?.deploy?.replicas).toBe(3);
    for (const name of ['postgresql', 'temporal-ui', 'worker']) expect(s[name]?.healthcheck?.test, name).toBeDefined();
    expect(Object.keys(resolved.volumes)).toContain('postgres-data');
  });
});

describe('Dockerfile and .dockerignore', () => {
  const text = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const stages = text.split(/^FROM /mu).slice(1);

  it("builds the plugin's wheel with npm ci, then the project as Meltano containerizes one: meltano install brings the plugin, meltano invoke runs the worker", () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const version = /^ARG NODE_VERSION=(\d+)$/mu.exec(text)?.[1];
    expect(['22', '24']).toContain(version);
    const [wheel, project, final] = stages.slice(-3);
    expect(wheel).toMatch(/^node:\$\{NODE_VERSION\}-\S+ AS wheel$/mu);
    expect(wheel).toMatch(/RUN npm ci /u);
    expect(wheel).toMatch(/RUN npm run build && python3 scripts\/build_wheel\.py --out-dir \/opt\/wheels/u);
    // Meltano pinned by requirements.txt; the project baked in; the plugin added when missing, then installed.
    expect(project).toMatch(/grep -E '\^\(meltano\|psycopg\)' \/opt\/requirements\.txt/u);
    expect(project).toMatch(/ARG PROJECT=examples\/mysql2pg/u);
    expect(project).toMatch(/meltano add --no-install utility temporal --from-ref \/opt\/plugin\/temporal\.yml/u);
    expect(project).toMatch(/UV_FIND_LINKS=\/opt\/wheels meltano install$/mu);
    // The image: no Node, no npm (the plugin brings its Node); meltano is the entrypoint.
    expect(final).toMatch(/^python:\$\{PYTHON_VERSION\}-slim-bookworm$/mu);
    expect(final).not.toMatch(/npm|node:/u);
    expect(final).toMatch(/COPY --from=project \/opt\/meltano /u);
    expect(final).toMatch(/^USER meltano$/mu);
    expect(final).toMatch(/^STOPSIGNAL SIGTERM$/mu);
    expect(final).toMatch(/^ENTRYPOINT \["meltano"\]\nCMD \["invoke", "temporal:worker"\]$/mu);
    // Everything the image copies from the build context exists in the repository.
    for (const m of text.matchAll(/^COPY (?!--from)(?:--\S+ )*(?!\$\{)(\S+(?: \S+)*) \S+$/gmu)) {
      for (const src of (m[1] ?? '').split(' ')) expect(existsSync(path.join(REPO_ROOT, src)), src).toBe(true);
    }
  });

  it('.dockerignore keeps installed and generated files (node_modules, .venv, .meltano with its databases) out of the build context', () => {
    const ignored = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const p of ['**/node_modules', 'dist', '.venv', '**/.meltano', '.cluster', '.git', 'test-artifacts'])
      expect(ignored).toContain(p);
    // Nothing the Dockerfile copies is ignored.
    for (const src of [
      'plugin',
      'python',
      'LICENSE',
      'src',
      'workflows',
      'activities',
      'scripts',
      'package.json',
      'package-lock.json',
      'requirements.txt',
    ])
      expect(ignored).not.toContain(src);
  });
});
