export * from './beat-results.js';
