/** Job tasks: the shapes Meltano's schema allows, and the blocks of each top-level task. */
import { describe, expect, it } from 'vitest';
import { describeType, taskArgs, tasksShapeProblem } from '../../src/project/tasks.js';

describe('tasksShapeProblem', () => {
  it('accepts a string, a list of strings, a list of lists of strings, and a mix', () => {
    for (const value of [
      'tap target',
      '',
      [],
      ['tap target', 'dbt:run'],
      [['tap', 'target'], ['dbt:run']],
      ['tap target', ['dbt:run', 'dbt:test']],
      [[]],
    ]) {
      expect(tasksShapeProblem(value), JSON.stringify(value)).toBeNull();
    }
  });

  it('says what the whole value is when it is neither a string nor a list', () => {
    expect(tasksShapeProblem({ a: 1 })).toBe('tasks must be a string or a list, not a mapping');
    expect(tasksShapeProblem(null)).toBe('tasks must be a string or a list, not empty');
    expect(tasksShapeProblem(undefined)).toBe('tasks must be a string or a list, not empty');
    expect(tasksShapeProblem(5)).toBe('tasks must be a string or a list, not number 5');
    expect(tasksShapeProblem(true)).toBe('tasks must be a string or a list, not boolean true');
  });

  it('names the first bad task and item, counting from 1', () => {
    expect(tasksShapeProblem(['ok', 7])).toBe('task 2 must be a string or a list of strings, not number 7');
    expect(tasksShapeProblem([{ run: 'x' }])).toBe('task 1 must be a string or a list of strings, not a mapping');
    expect(tasksShapeProblem(['ok', null, 3])).toBe('task 2 must be a string or a list of strings, not empty');
    expect(tasksShapeProblem([['a', ['b']]])).toBe('task 1, item 2 must be a string, not a list');
    expect(tasksShapeProblem(['a', ['b', 'c', null]])).toBe('task 2, item 3 must be a string, not empty');
    expect(tasksShapeProblem([['a', false]])).toBe('task 1, item 2 must be a string, not boolean false');
  });
});

describe('describeType', () => {
  it('names each YAML value kind', () => {
    expect([null, undefined, [], {}, 'x', 1.5, false].map(describeType)).toEqual([
      'empty',
      'empty',
      'a list',
      'a mapping',
      'a string',
      'number 1.5',
      'boolean false',
    ]);
  });
});

describe('taskArgs', () => {
  it('a bare string is one task whose words are its blocks', () => {
    expect(taskArgs('tap-foo target-jsonl')).toEqual([['tap-foo', 'target-jsonl']]);
  });

  it('each top-level item is one task; the strings of a nested list are joined into it', () => {
    expect(taskArgs(['tap-foo target-jsonl', ['tap-bar', 'hash-emails target-csv'], 'dbt:run'])).toEqual([
      ['tap-foo', 'target-jsonl'],
      ['tap-bar', 'hash-emails', 'target-csv'],
      ['dbt:run'],
    ]);
  });

  it('runs of spaces, tabs and newlines separate words and never make empty blocks', () => {
    expect(taskArgs(['  tap-foo \t target-jsonl\n', ['', ' dbt:run  ']])).toEqual([
      ['tap-foo', 'target-jsonl'],
      ['dbt:run'],
    ]);
    expect(taskArgs([])).toEqual([]);
    expect(taskArgs('   ')).toEqual([[]]);
  });
});
