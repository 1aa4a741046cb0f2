/**
 * What the training-job functions work on: the `train` queue, a Redis connection for the cancel
 * key and its pub/sub message, and the object store of a job's bucket (checkpoints). The
 * coordinator hands in its own queue and connection; the CLI opens them from the environment
 * (connectTrainJobs) and closes them when its command ends.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUES, queueEnvFromEnv } from '@holterflow/contracts';
import { ObjectStorePool, storageConfigFromEnv, type ObjectStore } from '@holterflow/storage';

/** What is read from a job's bucket: whether objects exist, and byte ranges (checkpoint headers). */
export type TrainJobsStore = Pick<ObjectStore, 'exists' | 'getRange'>;

export interface TrainJobsContext {
  /** The `train` queue. */
  queue: Queue;
  /** Plain commands (the cancel key, PUBLISH); never a connection in subscribe mode. */
  redis: Redis;
  /** BullMQ key prefix: the cancel key and channel live under it (contracts trainCancelKey). */
  queuePrefix: string;
  /**
   * The store of a job's bucket, or undefined when this caller does not serve that bucket (the
   * coordinator reads only buckets it is configured for; a CLI-submitted job may name another).
   */
  storeFor(bucket: string): TrainJobsStore | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

export interface TrainJobsConnection {
  context: TrainJobsContext;
  /** Where the queue is, for messages (no credentials: REDIS_URL is shown by the CLI already). */
  redisUrl: string;
  close(): Promise<void>;
}

/** The CLI's side: Redis, the train queue and S3 from the environment, any bucket. */
export function connectTrainJobs(env: Env): TrainJobsConnection {
  const { redisUrl, queuePrefix } = queueEnvFromEnv(env);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUES.train, { connection: redis, prefix: queuePrefix });
  let stores: ObjectStorePool | undefined;
  return {
    redisUrl,
    context: {
      queue,
      redis,
      queuePrefix,
      storeFor: (bucket) => (stores ??= new ObjectStorePool(storageConfigFromEnv(env))).forBucket(bucket),
    },
    async close() {
      await queue.close();
      stores?.destroy();
      // BullMQ does not close a connection it was handed; an open one keeps the process alive.
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
