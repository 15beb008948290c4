/**
 * Spellings users bring from `meltano` and `temporal`, on top of this CLI's own:
 * `--version`, `--cwd DIR` (run as if started in DIR, as `meltano --cwd`), and
 * `-o`/`--output` wherever a command has `--format` (as `temporal -o json`).
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { PACKAGE_ROOT } from '../../util/paths.js';

/** This package's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * `--cwd DIR`: like `meltano --cwd`, the process moves to DIR before anything
 * else, so the project is found from there (DIR or its nearest parent with
 * meltano.yml) and relative paths in other flags are read from there.
 * @throws {UsageError} DIR is not a directory (click's wording, exit 2)
 */
export function enterCwd(dir: string): void {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat) throw new UsageError(`Invalid value for '--cwd': Directory '${dir}' does not exist.`);
  if (!stat.isDirectory()) throw new UsageError(`Invalid value for '--cwd': Directory '${dir}' is a file.`);
  process.chdir(dir);
}

/** Gives every command that has `--format` the `-o, --output` spelling of the `temporal` CLI. */
export function addOutputAlias(cmd: Command): void {
  if (cmd.options.some((o) => o.attributeName() === 'format')) {
    cmd.addOption(new Option('-o, --output <format>', 'the same as --format (as the temporal CLI spells it)'));
    cmd.on('option:output', (value: string) => cmd.setOptionValueWithSource('format', value, 'cli'));
  }
  for (const sub of cmd.commands) addOutputAlias(sub);
}
