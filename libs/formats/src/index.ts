export * from './wfdb/index.js';
