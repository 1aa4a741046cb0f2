export * from './annotations.js';
export * from './header.js';
export * from './read.js';
export * from './select.js';
export * from './write.js';
