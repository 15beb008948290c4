/**
 * The Temporal SDK's packages, loaded when a command first needs them.
 *
 * They are CommonJS. Loaded with import(), Node scans each file's source
 * (cjs-module-lexer, following every re-export) to find the names an ES
 * module may import: about 60-90 ms of a CLI run that needs the client, for
 * nothing, since we only read properties of the exports object. require()
 * skips that scan and gives the same, cached, module instances.
 */
import { createRequire } from 'node:module';

const requireSdk = createRequire(import.meta.url);

export const clientSdk = (): typeof import('@temporalio/client') => requireSdk('@temporalio/client');
export const commonSdk = (): typeof import('@temporalio/common') => requireSdk('@temporalio/common');
export const envconfigSdk = (): typeof import('@temporalio/envconfig') => requireSdk('@temporalio/envconfig');
export const workerSdk = (): typeof import('@temporalio/worker') => requireSdk('@temporalio/worker');
export const protoSdk = (): typeof import('@temporalio/proto') => requireSdk('@temporalio/proto');
