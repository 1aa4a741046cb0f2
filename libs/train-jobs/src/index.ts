/**
 * Training jobs on the `train` queue, for everyone who steers them: the CLI (`holterflow train`,
 * `train cancel`) and the coordinator (/training). Only the queue, Redis and S3 — no tfjs, no
 * model: the checkpoint's progress is read from its header (libs/contracts train-checkpoint.ts).
 */
export * from './context.js';
export * from './checkpoint.js';
export * from './submit.js';
export * from './status.js';
export * from './cancel.js';
export * from './follow.js';
