#!/usr/bin/env node
/**
 * The shipped command (package.json `bin`, bundled into dist/cli/ by
 * scripts/bundle-cli.ts). It only decides on source maps before the program
 * loads: Node maps the stack of an unexpected error back to src/ only for
 * modules loaded after this, and mapping costs start-up time nobody asked for.
 */
// The same test as errorReport's: --verbose anywhere, or DEBUG set.
if (process.argv.includes('--verbose') || process.env.DEBUG) process.setSourceMapsEnabled(true);
await import('./main.js');
