/** Which names a workflow file exports, read from its text (src/project/custom-workflows.ts), and the folder's checks. */
import { describe, expect, it } from 'vitest';
import { discoverWorkflows, exportedWorkflows, requireCustomWorkflow } from '../../src/project/custom-workflows.js';
import { makeProject } from '../helpers/project.js';
import { loadProject } from '../../src/project/load.js';

describe('exportedWorkflows', () => {
  it('finds exported functions, arrow consts and export lists, with their lines; not comments, strings or type exports', () => {
    const text = `import { meltanoRun } from 'meltano-temporal/workflow';
// export async function commented() {}
export async function nightly(): Promise<void> {}
export function plain() {}
export const arrow = async (): Promise<void> => {};
const a = 1, b = () => 2;
export { b as renamed };
export type { Foo } from './foo';
export const notAWorkflow = 42;
const s = "export function inString() {}";
`;
    expect(exportedWorkflows(text)).toEqual([
      { name: 'nightly', line: 3 },
      { name: 'plain', line: 4 },
      { name: 'arrow', line: 5 },
      { name: 'renamed', line: 7 },
    ]);
  });
});

describe('discoverWorkflows', () => {
  const yml = 'jobs:\n- name: j\n  tasks: [tap-x target-y]\n';
  it('reads the folder meltano.yml names, and refuses a name exported twice', () => {
    const dir = makeProject({
      'meltano.yml': `annotations:\n  temporal:\n    workflows_dir: flows\n${yml}`,
      'flows/a.ts': 'export async function one() {}\n',
      'flows/b.js': 'export async function one() {}\n',
      'flows/types.d.ts': 'export declare function ignored(): void;\n',
    });
    expect(() => discoverWorkflows(loadProject({ root: dir }))).toThrow(
      "flows/b.js:1: workflow 'one': is also exported by flows/a.ts:1",
    );
  });

  it('refuses our own workflow type as a name, and names the folder in an unknown-name refusal', () => {
    const dir = makeProject({ 'meltano.yml': yml, 'orchestrate/workflows/a.ts': 'export function meltanoJob() {}\n' });
    expect(() => discoverWorkflows(loadProject({ root: dir }))).toThrow("meltano-temporal's own job workflow");
    const empty = makeProject({ 'meltano.yml': yml });
    expect(() =>
      requireCustomWorkflow(loadProject({ root: empty }), { name: 's', file: 'meltano.yml' }, 'nightly'),
    ).toThrow(
      "names 'nightly', which no .ts or .js file in orchestrate/workflows/ exports (the folder has no workflow files)",
    );
  });
});
