/** The local stack against a real s3rver process and the real Redis, on a free port and temp dir. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectStore, storageConfigFromEnv } from '@holterflow/storage';
import {
  defaultStackOptions,
  RedisNotReachableError,
  s3Config,
  stackDown,
  stackStatus,
  stackUp,
  type StackOptions,
} from '../src/stack/local-stack.js';
import { portAcceptsConnections } from '../src/stack/s3rver-process.js';
import { REDIS_START_COMMAND } from '../src/stack/redis-probe.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempOptions(overrides: Partial<StackOptions> = {}): Promise<StackOptions> {
  const stateDir = await mkdtemp(join(tmpdir(), 'holterflow-stack-'));
  dirs.push(stateDir);
  return { ...defaultStackOptions({}), stateDir, s3Port: await freePort(), ...overrides };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

describe('local stack', () => {
  it('with no variables set, storageConfigFromEnv() is the default stack', () => {
    assert.deepEqual(storageConfigFromEnv({}), s3Config(defaultStackOptions({})));
  });

  it('up is idempotent, serves the bucket, writes stack.env; down stops it and keeps the data', async () => {
    const options = await tempOptions();
    try {
      const first = await stackUp(options);
      assert.equal(first.started, true);
      assert.equal(first.s3.endpoint, `http://127.0.0.1:${options.s3Port}`);
      const again = await stackUp(options);
      assert.equal(again.started, false);
      assert.equal(again.s3.pid, first.s3.pid);

      // The printed env, read back the way every app reads it, reaches the same bucket.
      const store = new ObjectStore(storageConfigFromEnv(first.env));
      try {
        await store.put('hello.txt', 'stack');
        assert.equal(await store.getText('hello.txt'), 'stack');
      } finally {
        store.destroy();
      }
      const status = await stackStatus(options);
      assert.equal(status.s3.running, true);
      assert.equal(status.redis.reachable, true);
      assert.ok(existsSync(join(options.stateDir, 'stack.env')));
    } finally {
      const { stoppedPid } = await stackDown(options);
      assert.equal(typeof stoppedPid, 'number');
    }
    assert.equal(await portAcceptsConnections('127.0.0.1', options.s3Port), false);
    assert.equal((await stackStatus(options)).s3.running, false);
    assert.deepEqual(await stackDown(options), { stoppedPid: undefined });
    assert.ok(existsSync(join(options.stateDir, 's3', 'holterflow')), 'object data survives down');
  });

  it('fails before starting anything when Redis is unreachable, naming the start command', async () => {
    const options = await tempOptions({ redisUrl: 'redis://127.0.0.1:1' });
    await assert.rejects(stackUp(options), (err: unknown) => {
      assert.ok(err instanceof RedisNotReachableError);
      assert.ok(err.message.includes(REDIS_START_COMMAND));
      return true;
    });
    assert.equal(existsSync(join(options.stateDir, 's3rver.pid')), false);
    assert.equal(await portAcceptsConnections('127.0.0.1', options.s3Port), false);
  });

  it('refuses a port another process holds', async () => {
    const options = await tempOptions({ redisUrl: defaultStackOptions({}).redisUrl });
    const squatter = createServer().listen(options.s3Port, '127.0.0.1');
    await new Promise((resolve) => squatter.once('listening', resolve));
    try {
      await assert.rejects(stackUp(options), /port \d+ on 127\.0\.0\.1 is already in use.*--s3-port/);
    } finally {
      squatter.close();
    }
  });
});
