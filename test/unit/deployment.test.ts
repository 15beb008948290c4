/**
 * docker-compose.yml and the Dockerfile. There is no Docker engine on these
 * machines: the compose file is validated with `docker-compose config`
 * (Debian's docker-compose, installed by `npm test`'s setup) and its content
 * checked here; nothing is built or started.
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
  healthcheck?: unknown;
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  ports?: unknown[];
  command?: string[];
  deploy?: { replicas?: number };
}

describe('docker-compose.yml', () => {
  it('is valid for docker-compose, with the services, health checks, volumes and settings the README promises', async () => {
    const file = path.join(REPO_ROOT, 'docker-compose.yml');
    // No engine is needed for `config`; a missing docker-compose fails this test loudly.
    const r = await execa('docker-compose', ['-f', file, 'config'], { env: { WORKER_REPLICAS: '3' } });
    const resolved = parse(r.stdout) as { services: Record<string, Service>; volumes: Record<string, unknown> };
    const s = resolved.services;
    expect(Object.keys(s).sort()).toEqual(['postgresql', 'scheduler', 'temporal', 'temporal-ui', 'worker']);
    for (const name of ['postgresql', 'temporal']) expect(s[name]?.healthcheck).toBeDefined();
    expect(s.temporal?.depends_on?.postgresql?.condition).toBe('service_healthy');
    expect(s.worker?.depends_on?.temporal?.condition).toBe('service_healthy');
    expect(JSON.stringify(s['temporal-ui']?.ports)).toMatch(/8080/u);
    expect(s.worker?.deploy?.replicas).toBe(3);
    expect(s.worker?.environment?.MELTANO_DATABASE_URI).toMatch(
      /^postgresql\+psycopg:\/\/.*@postgresql:5432\/meltano$/u,
    );
    expect(s.worker?.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(s.scheduler?.command?.[0]).toBe('up');
    expect(Object.keys(resolved.volumes)).toContain('postgres-data');
  });

  it('the Dockerfile installs the pinned Python tools and this tool, and bakes in a project with its plugins', () => {
    const text = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(text).toMatch(/pip install .*-r requirements\.txt/u);
    expect(text).toMatch(/RUN npm run build/u);
    expect(text).toMatch(/ARG PROJECT=examples\/mysql2pg/u);
    expect(text).toMatch(/RUN meltano install/u);
    expect(text).toMatch(/ENTRYPOINT \["meltano-temporal"\]/u);
    // Everything the image COPYs exists in the repository.
    for (const m of text.matchAll(/^COPY (?!\$\{)(\S+(?: \S+)*) \S+$/gmu)) {
      for (const src of (m[1] ?? '').split(' ')) expect(existsSync(path.join(REPO_ROOT, src)), src).toBe(true);
    }
  });
});
