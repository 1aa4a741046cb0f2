/**
 * Real Redis for tests (BullMQ needs one). Each test file gets its own key prefix, used as the
 * BullMQ queue prefix and for any raw keys, so parallel engineers and CI runs never see each
 * other's queues; `cleanup()` deletes everything under it.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

export const REDIS_START_COMMAND =
  'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no';

export interface TestRedis {
  /** HOLTERFLOW_REDIS_URL of the server in use. */
  url: string;
  /** Unique to this test file run: pass as BullMQ `prefix` (HOLTERFLOW_QUEUE_PREFIX). */
  prefix: string;
  /** A connection for direct commands and assertions (closed by cleanup). */
  redis: Redis;
  /** Variables that point a child process (coordinator, worker) at the same Redis and prefix. */
  env: { HOLTERFLOW_REDIS_URL: string; HOLTERFLOW_QUEUE_PREFIX: string };
  /** A new connection as BullMQ workers want it (blocking commands must not time out). */
  newConnection(): Redis;
  /** Deletes every key under the prefix, closes `redis` and every `newConnection()`, returns the keys deleted. */
  cleanup(): Promise<number>;
}

/**
 * Connects to HOLTERFLOW_REDIS_URL (default redis://127.0.0.1:6379). Pass `import.meta.url`
 * so the prefix names the test file: `test:<file>:<random>`.
 */
export async function connectTestRedis(testFile: string): Promise<TestRedis> {
  const url = process.env.HOLTERFLOW_REDIS_URL?.trim() || 'redis://127.0.0.1:6379';
  const file = basename(testFile.startsWith('file:') ? fileURLToPath(testFile) : testFile).replace(
    /\.test\.ts$|[^A-Za-z0-9_.-]/g,
    '',
  );
  const prefix = `test:${file}:${process.pid}-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  // Without a listener ioredis also prints the connection error as "Unhandled error event".
  const quiet = () => {};
  redis.on('error', quiet);
  try {
    await redis.connect();
    await redis.ping();
    redis.off('error', quiet);
  } catch (err) {
    redis.disconnect();
    throw new Error(
      `Redis is not reachable at ${url} (${err instanceof Error ? err.message : String(err)}). ` +
        `Start it with: ${REDIS_START_COMMAND}`,
    );
  }
  // BullMQ never closes a connection it was handed, so the ones given out are closed here: one
  // left open keeps the test file's process alive after its last test.
  const handedOut: Redis[] = [];
  return {
    url,
    prefix,
    redis,
    env: { HOLTERFLOW_REDIS_URL: url, HOLTERFLOW_QUEUE_PREFIX: prefix },
    newConnection: () => {
      const connection = new Redis(url, { maxRetriesPerRequest: null });
      handedOut.push(connection);
      return connection;
    },
    cleanup: async () => {
      const deleted = await deleteKeysUnder(redis, prefix);
      await Promise.all(
        [redis, ...handedOut].map((c) =>
          c.status === 'end' ? undefined : c.quit().catch(() => c.disconnect()),
        ),
      );
      return deleted;
    },
  };
}

async function deleteKeysUnder(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) deleted += await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}
