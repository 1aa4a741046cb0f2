/**
 * Where the queues live. Coordinator, workers and CLI must agree on both values, so they are
 * read by this one function (validated by the configuration schema, config/environment.ts).
 */
import { readEnvironment } from '../config/environment.js';

export interface QueueEnv {
  /** HOLTERFLOW_REDIS_URL, default redis://127.0.0.1:6379. */
  redisUrl: string;
  /**
   * BullMQ key prefix (HOLTERFLOW_QUEUE_PREFIX, default `bull`, BullMQ's own default). Tests set
   * their own so they never touch real queues.
   */
  queuePrefix: string;
}

export function queueEnvFromEnv(env: Readonly<Record<string, string | undefined>>): QueueEnv {
  const v = readEnvironment(env, ['HOLTERFLOW_REDIS_URL', 'HOLTERFLOW_QUEUE_PREFIX']);
  return { redisUrl: v.HOLTERFLOW_REDIS_URL, queuePrefix: v.HOLTERFLOW_QUEUE_PREFIX };
}
