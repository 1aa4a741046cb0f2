export * from './model-store.js';
export * from './model-version.js';
export * from './list.js';
export * from './push.js';
