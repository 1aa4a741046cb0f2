export * from './aami.js';
export * from './errors.js';
export * from './keys.js';
export * from './queues.js';
export * from './jobs/index.js';
export * from './api/runs.js';
export * from './config/environment.js';
export * from './report.js';
