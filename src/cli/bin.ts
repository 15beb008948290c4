#!/usr/bin/env node
/**
 * The shipped command (package.json `bin`, bundled into dist/cli/ by
 * scripts/bundle-cli.ts). It only decides on source maps before the program
 * loads: Node maps the stack of an unexpected error back to src/ only for
 * modules loaded after this, and mapping costs start-up time nobody asked for.
 */
// The same test as errorReport's: --verbose anywhere, or DEBUG set.
if (process.argv.includes('--verbose') || process.env.DEBUG) process.setSourceMapsEnabled(true);
// A reader that stops early (`job list --format=json | head -1`) closes the pipe. Node
// ignores SIGPIPE, so each later write fails with EPIPE, and unhandled that is a crash
// with a stack trace. Stop quietly instead, with the status a shell reports for a
// process ended by SIGPIPE (128 + 13), as coreutils and git do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(141);
    throw err;
  });
}
await import('./main.js');
