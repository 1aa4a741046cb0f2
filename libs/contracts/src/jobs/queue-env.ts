/**
 * Where the queues live. Coordinator, workers and CLI must agree on both values, so they are
 * read by this one function.
 */
export interface QueueEnv {
  /** HOLTERFLOW_REDIS_URL, default redis://127.0.0.1:6379. */
  redisUrl: string;
  /**
   * BullMQ key prefix (HOLTERFLOW_QUEUE_PREFIX, default `bull`, BullMQ's own default). Tests set
   * their own so they never touch real queues.
   */
  queuePrefix: string;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_QUEUE_PREFIX = 'bull';

export function queueEnvFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): QueueEnv {
  const redisUrl = env.HOLTERFLOW_REDIS_URL?.trim() || DEFAULT_REDIS_URL;
  if (!/^rediss?:\/\//.test(redisUrl))
    throw new Error(`HOLTERFLOW_REDIS_URL=${JSON.stringify(redisUrl)} is not a redis:// or rediss:// URL`);
  const queuePrefix = env.HOLTERFLOW_QUEUE_PREFIX?.trim() || DEFAULT_QUEUE_PREFIX;
  if (!/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*$/.test(queuePrefix))
    throw new Error(
      `HOLTERFLOW_QUEUE_PREFIX=${JSON.stringify(queuePrefix)}: use letters, digits, '_', '-', '.', ':'`,
    );
  return { redisUrl, queuePrefix };
}
