export * from './roles.js';
export * from './api-key.js';
export * from './key-store.js';
