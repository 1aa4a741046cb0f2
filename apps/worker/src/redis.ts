import { Redis } from 'ioredis';

/** The worker's shared Redis connection (BullMQ duplicates it for blocking reads; heartbeats use it). */
export const REDIS = Symbol('REDIS');

export function createWorkerRedis(redisUrl: string): Redis {
  // maxRetriesPerRequest null: BullMQ's blocking commands must wait out Redis restarts.
  return new Redis(redisUrl, { maxRetriesPerRequest: null });
}
