export * from './config.js';
export * from './errors.js';
export * from './object-store.js';
export * from './object-store-pool.js';
export * from './transfer-counter.js';
export { createS3Client } from './client.js';
export { isRetryable } from './retry.js';
