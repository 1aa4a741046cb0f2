export * from './summary.js';
export * from './run-summary.js';
export * from './json-text.js';
