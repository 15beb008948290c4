/** The activities the worker registers. */
export { resolveJob } from './resolve-job.js';
export { runMeltanoTask } from './run-task.js';
