/**
 * The part of the contracts without zod: AAMI classes, S3 keys, the API answers (api/: runs,
 * admin, models, signal, session, api-keys; their zod-typed fields are type-only imports), the coordinator
 * URL variable. The CLI imports this in commands that must start quickly (`status`, `runs`);
 * loading zod's schemas costs as much CPU as the rest of such a call.
 */
export * from './aami.js';
export * from './keys.js';
export * from './api/runs.js';
export * from './api/admin.js';
export * from './api/models.js';
export * from './api/signal.js';
export * from './api/session.js';
export * from './api/api-keys.js';
export * from './config/coordinator-url.js';
