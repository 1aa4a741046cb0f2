export * from './architecture.js';
