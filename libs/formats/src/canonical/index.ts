export * from './async-buffer.js';
export * from './metadata.js';
export * from './parquet-write.js';
export * from './parquet-read.js';
