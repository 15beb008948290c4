/**
 * Secrets (a schedule's env values, a webhook URL) replaced by `***` wherever
 * text leaves the worker: logs, failure messages, notifications. One masker
 * for all of them: see ../meltano/mask.ts.
 */
export { secretMasker as masker } from '../meltano/mask.js';
