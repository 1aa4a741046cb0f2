/** The worker's shared Redis connection (BullMQ duplicates it for blocking reads; heartbeats use it). */
export const REDIS = Symbol('REDIS');
