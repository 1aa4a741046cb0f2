export * from './annotations.js';
export * from './header.js';
export * from './read.js';
export * from './select.js';
export * from './units.js';
export * from './write.js';
