/**
 * The log file of one task attempt, created on its first line: a task that
 * prints nothing leaves no file and no directory behind.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';

export class TaskLog {
  private stream: WriteStream | undefined;

  constructor(readonly file: string) {}

  /** Whether anything was written (the file exists). */
  get written(): boolean {
    return this.stream !== undefined;
  }

  write(line: string): void {
    if (!this.stream) {
      mkdirSync(path.dirname(this.file), { recursive: true });
      this.stream = createWriteStream(this.file, { flags: 'a' });
    }
    this.stream.write(`${line}\n`);
  }

  /** Flush and close; resolves at once when nothing was written. */
  async end(): Promise<void> {
    const s = this.stream;
    if (!s) return;
    await new Promise<void>((resolve) => s.end(resolve));
  }
}
