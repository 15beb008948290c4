/**
 * A cache of parsed project files. Reading a large meltano.yml is mostly its
 * YAML parse (1,000 jobs and schedules, 125 KB: about 90 ms of the ~300 ms a
 * `schedule list` takes), while the same data as JSON parses in under 10 ms.
 *
 * One entry per file path, in the user's cache directory ($XDG_CACHE_HOME, else
 * ~/.cache, then meltano-temporal/parsed/), never in the project. An entry is
 * used only when its key matches: a hash of the file's text and of the code
 * that parsed it (this module's file: a new version or build parses again), so
 * an edited file is always parsed anew. Only files of PARSE_CACHE_MIN_BYTES or
 * more are cached (small ones parse in a few milliseconds), and only data that
 * JSON holds exactly. The directory keeps the PARSE_CACHE_MAX_ENTRIES entries
 * used last (a hit renews an entry's time; a write drops the oldest beyond the
 * cap), so projects that come and go (temporary copies, CI checkouts) cannot
 * fill it without bound. Any failure to read or write an entry falls back to the
 * parse: the cache is never needed, and nothing about it is reported.
 * MELTANO_TEMPORAL_PARSE_CACHE=off turns it off.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PARSE_CACHE_MIN_BYTES = 32 * 1024;
/** Entries kept: one per large project file, so this many projects stay fast to read. */
export const PARSE_CACHE_MAX_ENTRIES = 64;

/** The directory of the entries, or undefined when the cache is off. */
export function parseCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MELTANO_TEMPORAL_PARSE_CACHE === 'off') return undefined;
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'meltano-temporal', 'parsed');
}

let codeStamp: string | undefined;
/** Which build of the parser this is: the module file's size and time (changes with every install or build). */
function parserStamp(): string {
  if (codeStamp === undefined) {
    try {
      const stat = statSync(fileURLToPath(import.meta.url));
      codeStamp = `${stat.size}:${stat.mtimeMs}`;
    } catch {
      codeStamp = 'unknown';
    }
  }
  return codeStamp;
}

function entryKey(text: string): string {
  return createHash('sha256').update(parserStamp()).update('\0').update(text).digest('hex');
}

function entryFile(dir: string, absPath: string): string {
  return path.join(dir, `${createHash('sha256').update(path.resolve(absPath)).digest('hex').slice(0, 32)}.json`);
}

/** The data parsed earlier from exactly this text of this file, if the cache has it. */
export function readParsed(absPath: string, text: string, env: NodeJS.ProcessEnv = process.env): unknown {
  const dir = parseCacheDir(env);
  if (!dir || text.length < PARSE_CACHE_MIN_BYTES) return undefined;
  const file = entryFile(dir, absPath);
  let entry: string;
  try {
    entry = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // The key is the first line: compare it before parsing the rest.
  const newline = entry.indexOf('\n');
  if (newline < 0 || entry.slice(0, newline) !== entryKey(text)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(entry.slice(newline + 1)) as unknown;
  } catch {
    return undefined;
  }
  try {
    // Used now: the last entry pruning drops.
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // A read-only cache still serves its entries.
  }
  return data;
}

/** Drops the entries used longest ago beyond PARSE_CACHE_MAX_ENTRIES; failures are ignored. */
function pruneEntries(dir: string): void {
  try {
    const entries = readdirSync(dir).filter((name) => name.endsWith('.json'));
    if (entries.length <= PARSE_CACHE_MAX_ENTRIES) return;
    const byAge = entries
      .map((name) => {
        const file = path.join(dir, name);
        try {
          return { file, mtimeMs: statSync(file).mtimeMs };
        } catch {
          return undefined; // removed by another process meanwhile
        }
      })
      .filter((e): e is { file: string; mtimeMs: number } => e !== undefined)
      .sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const { file } of byAge.slice(0, byAge.length - PARSE_CACHE_MAX_ENTRIES)) rmSync(file, { force: true });
  } catch {
    // Pruning is housekeeping: the next write tries again.
  }
}

/** Keep what was parsed from this text, when JSON holds it exactly; failures are ignored. */
export function writeParsed(absPath: string, text: string, data: unknown, env: NodeJS.ProcessEnv = process.env): void {
  const dir = parseCacheDir(env);
  if (!dir || text.length < PARSE_CACHE_MIN_BYTES || !isJsonExact(data)) return;
  const file = entryFile(dir, absPath);
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(temp, `${entryKey(text)}\n${JSON.stringify(data)}`, { mode: 0o600 });
    // Readers see the old entry or the new one, never half of one.
    renameSync(temp, file);
    pruneEntries(dir);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // No directory to write in: there is no temp file either.
    }
  }
}

/**
 * Plain objects, arrays, strings, booleans, null and finite numbers other than -0:
 * what JSON.parse gives back as it was. YAML's dates, binary, sets, NaN and the
 * values kept as Python holds them are not, so such files are parsed every time.
 */
export function isJsonExact(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(isJsonExact);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key of Object.keys(value)) {
    // Parsers disagree on a key named __proto__; such a rare file is parsed every time.
    if (key === '__proto__') return false;
    if (!isJsonExact((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}
