#!/usr/bin/env node
/**
 * The shipped command (package.json `bin`, bundled into dist/cli/ by
 * scripts/bundle-cli.ts). It only decides on source maps before the program
 * loads: Node maps the stack of an unexpected error back to src/ only for
 * modules loaded after this, and mapping costs start-up time nobody asked for.
 */
import { handleClosedOutput } from './closed-output.js';

// The same test as errorReport's: --verbose anywhere, or DEBUG set.
if (process.argv.includes('--verbose') || process.env.DEBUG) process.setSourceMapsEnabled(true);
// A reader that stops early closes the pipe: see closed-output.ts for what each command does then.
handleClosedOutput();
await import('./main.js');
