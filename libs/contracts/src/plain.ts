/**
 * The part of the contracts without zod: AAMI classes, S3 keys, the /runs API answers, the
 * coordinator URL variable. The CLI imports this in commands that must start quickly (`status`,
 * `runs`); loading zod's schemas costs as much CPU as the rest of such a call.
 */
export * from './aami.js';
export * from './keys.js';
export * from './api/runs.js';
export * from './api/models.js';
export * from './api/signal.js';
export * from './config/coordinator-url.js';
