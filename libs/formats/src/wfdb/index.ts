export * from './header.js';
export * from './signals.js';
export * from './annotations.js';
export * from './record.js';
