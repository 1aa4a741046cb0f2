/**
 * Injection tokens, in a module of their own so providers can import them without importing
 * config.ts (which imports the role table, which imports the processors: a cycle otherwise).
 */
export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
/** The worker's shared Redis connection (BullMQ duplicates it for blocking reads; heartbeats use it). */
export const REDIS = Symbol('REDIS');
