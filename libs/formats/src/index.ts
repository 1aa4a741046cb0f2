export * from './recording.js';
export * from './wfdb/index.js';
