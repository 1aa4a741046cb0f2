export * from './raw-record.js';
export * from './convert.js';
export * from './ingest-record.js';
