/** The shared test harnesses themselves: s3rver lifecycle and the per-file Redis prefix. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectStore } from '@holterflow/storage';
import { startS3rver } from './s3rver.js';
import { connectTestRedis, REDIS_START_COMMAND } from './redis.js';

describe('startS3rver', () => {
  it('serves the bucket it created and stops cleanly', async () => {
    const s3 = await startS3rver({ bucket: 'harness' });
    const store = new ObjectStore(s3.config);
    try {
      assert.match(s3.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      await store.put('probe', 'ok');
      assert.equal(await store.getText('probe'), 'ok');
    } finally {
      store.destroy();
      await s3.stop();
    }
    const after = new ObjectStore({ ...s3.config, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    try {
      await assert.rejects(after.get('probe'), /ECONNREFUSED/);
    } finally {
      after.destroy();
    }
  });
});

describe('connectTestRedis', () => {
  it('gives each file a unique prefix and cleanup deletes only keys under it', async () => {
    const a = await connectTestRedis(import.meta.url);
    const b = await connectTestRedis(import.meta.url);
    try {
      assert.notEqual(a.prefix, b.prefix);
      assert.match(a.prefix, /^test:support:/);
      await a.redis.set(`${a.prefix}:one`, '1');
      await a.redis.rpush(`${a.prefix}:classify:wait`, 'job');
      await b.redis.set(`${b.prefix}:kept`, '1');
      assert.equal(await a.cleanup(), 2);
      assert.equal(await b.redis.exists(`${a.prefix}:one`, `${a.prefix}:classify:wait`), 0);
      assert.equal(await b.redis.get(`${b.prefix}:kept`), '1');
    } finally {
      assert.equal(await b.cleanup(), 1);
    }
  });

  it('names the start command when Redis is not reachable', async () => {
    const saved = process.env.HOLTERFLOW_REDIS_URL;
    process.env.HOLTERFLOW_REDIS_URL = 'redis://127.0.0.1:1';
    try {
      await assert.rejects(connectTestRedis(import.meta.url), (err: Error) => {
        assert.ok(err.message.includes(REDIS_START_COMMAND), err.message);
        assert.match(err.message, /not reachable at redis:\/\/127\.0\.0\.1:1/);
        return true;
      });
    } finally {
      if (saved === undefined) delete process.env.HOLTERFLOW_REDIS_URL;
      else process.env.HOLTERFLOW_REDIS_URL = saved;
    }
  });
});
