export * from './recording.js';
export * from './wfdb/index.js';
export * from './canonical/index.js';
export * from './edf/index.js';
export * from './ingest/index.js';
export * from './results/index.js';
