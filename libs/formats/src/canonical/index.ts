export * from './async-buffer.js';
export * from './metadata.js';
export * from './parquet-write.js';
export * from './parquet-read.js';
export * from './arrow.js';
export * from './beats.js';
export * from './open.js';
