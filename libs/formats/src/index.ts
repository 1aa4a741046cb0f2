export * from './recording.js';
export * from './wfdb/index.js';
export * from './canonical/index.js';
