/**
 * The cluster's dynamic config (deploy/dynamicconfig.yaml, also mounted by
 * docker-compose.yml) and the embedded dev server's flags come from one set of
 * values: this holds them equal, so neither can drift.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/run.js';
import { SERVER_DYNAMIC_CONFIG, devServerDynamicConfigArgs } from '../../src/temporal/server-tuning.js';

describe('server tuning', () => {
  it('deploy/dynamicconfig.yaml sets exactly the values the embedded server gets', () => {
    const file = parse(readFileSync(path.join(REPO_ROOT, 'deploy', 'dynamicconfig.yaml'), 'utf8')) as Record<
      string,
      Array<{ value: unknown; constraints?: unknown }>
    >;
    const unconstrained = Object.fromEntries(
      Object.entries(file).map(([key, entries]) => {
        expect(entries, key).toHaveLength(1);
        expect(entries[0]?.constraints, key).toBeUndefined();
        return [key, entries[0]?.value];
      }),
    );
    expect(unconstrained).toEqual(SERVER_DYNAMIC_CONFIG);
  });

  it('the dev server gets each value as one --dynamic-config-value KEY=JSON flag', () => {
    const args = devServerDynamicConfigArgs();
    const pairs = args.filter((_, i) => i % 2 === 1);
    expect(args.filter((_, i) => i % 2 === 0).every((a) => a === '--dynamic-config-value')).toBe(true);
    expect(
      Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), JSON.parse(p.slice(p.indexOf('=') + 1))])),
    ).toEqual(SERVER_DYNAMIC_CONFIG);
  });
});
