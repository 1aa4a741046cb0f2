export * from './summary.js';
export * from './run-summary.js';
