/** The house-wide errors: options instead of positional exit codes, causes kept, and the chain `--verbose` prints. */
import { describe, expect, it } from 'vitest';
import {
  causeChain,
  EXIT,
  InternalError,
  ProjectFileError,
  ServerUnreachableError,
  UsageError,
  UserError,
} from '../../src/errors.js';
import { errorReport } from '../../src/cli/program/error-report.js';

/** What the gRPC client throws when nothing answers (a ServiceError: name, code, details). */
function grpcUnavailable(): Error {
  const err = new Error('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1');
  err.name = 'ServiceError';
  Object.assign(err, { code: 14, details: 'No connection established' });
  return err;
}

describe('UserError options', () => {
  it('exit code 1 and no fix unless given; the hint is shown as the fix', () => {
    const plain = new UserError('broken');
    expect([plain.exitCode, plain.hint, plain.describe()]).toEqual([EXIT.failure, undefined, 'broken']);
    const hinted = new UserError('broken', { hint: 'mend it', exitCode: 4 });
    expect([hinted.exitCode, hinted.describe()]).toEqual([4, 'broken\n  fix: mend it']);
  });

  it('keeps its cause, and has none when not given one', () => {
    const beneath = new Error('EACCES');
    expect(new UserError('cannot write', { cause: beneath }).cause).toBe(beneath);
    expect('cause' in new UserError('cannot write')).toBe(false);
  });

  it('domain errors fix their exit code and pass hint and cause on', () => {
    const beneath = new Error('bad indent');
    const usage = new UsageError('wrong flag', { hint: 'drop it' });
    const file = new ProjectFileError('meltano.yml', "job 'x'", 'no tasks', { hint: 'add one', cause: beneath });
    expect([usage.exitCode, usage.describe()]).toEqual([EXIT.usage, 'wrong flag\n  fix: drop it']);
    expect([file.exitCode, file.message, file.hint, file.cause]).toEqual([
      EXIT.failure,
      "meltano.yml: job 'x': no tasks",
      'add one',
      beneath,
    ]);
  });

  it('a server that cannot be reached says why, keeps the gRPC error and falls back to the generic fix', () => {
    const grpc = grpcUnavailable();
    const err = new ServerUnreachableError('127.0.0.1:1', 'default', 'nothing accepts connections', { cause: grpc });
    expect(err.message).toBe(
      'Cannot reach the Temporal server at 127.0.0.1:1 (namespace default): nothing accepts connections',
    );
    expect(err.hint).toMatch(/^start one \(meltano-temporal up/u);
    expect(err.cause).toBe(grpc);
  });
});

describe('causeChain', () => {
  it('lists the errors beneath, outermost first, one line each', () => {
    const grpc = grpcUnavailable();
    const sdk = new Error('Failed to connect before the deadline', { cause: grpc });
    const ours = new ServerUnreachableError('127.0.0.1:1', 'default', 'no answer', { cause: sdk });
    expect(causeChain(ours)).toEqual([
      'Error: Failed to connect before the deadline',
      'ServiceError: 14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1',
    ]);
  });

  it('names a code the message does not already carry, folds lines and shows non-errors as text', () => {
    const fs = Object.assign(new Error('open failed\n  at /x'), { code: 'EACCES' });
    expect(causeChain(new UserError('a', { cause: fs }))).toEqual(['Error: open failed at /x [code EACCES]']);
    expect(causeChain(new UserError('a', { cause: 'plain words' }))).toEqual(['plain words']);
    expect(causeChain(new UserError('a', { cause: { status: 503 } }))).toEqual(['{"status":503}']);
  });

  it('is empty without a cause, and stops at a cycle', () => {
    expect(causeChain(new UserError('alone'))).toEqual([]);
    expect(causeChain('not an error')).toEqual([]);
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(causeChain(new UserError('top', { cause: a }))).toEqual(['Error: a', 'Error: b']);
  });
});

describe('errorReport', () => {
  const grpc = grpcUnavailable();
  const unreachable = new ServerUnreachableError('127.0.0.1:1', 'default', 'no answer', { cause: grpc });

  it('a user error: its text and fix; the causes only when verbose', () => {
    expect(errorReport(unreachable, false)).toEqual({ text: unreachable.describe(), exitCode: 1 });
    const verbose = errorReport(unreachable, true);
    expect(verbose.text).toBe(`${unreachable.describe()}\n  cause: ${causeChain(unreachable)[0]}`);
    expect(verbose.text).toContain('cause: ServiceError: 14 UNAVAILABLE');
  });

  it('an unexpected error: its message and a pointer to --verbose; verbose gives the stack and the causes', () => {
    const err = new Error('Failed to create schedule', { cause: grpc });
    const short = errorReport(err, false);
    expect(short.text).toBe('Failed to create schedule\n  (set DEBUG=1 or pass --verbose to see where it happened)');
    const long = errorReport(err, true).text;
    expect(long.startsWith(err.stack ?? '')).toBe(true);
    expect(
      long.endsWith(
        '\n  cause: ServiceError: 14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1',
      ),
    ).toBe(true);
  });

  it('an internal error always shows its stack and causes', () => {
    const err = new InternalError('impossible state', { cause: new Error('beneath') });
    const report = errorReport(err, false);
    expect(report.exitCode).toBe(1);
    expect(report.text).toMatch(
      /^internal error \(a bug in meltano-temporal\): InternalError: impossible state\n\s+at /u,
    );
    expect(report.text.endsWith('\n  cause: Error: beneath')).toBe(true);
  });
});
