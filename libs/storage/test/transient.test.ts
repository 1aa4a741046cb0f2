/**
 * isTransientStorageFailure: what job runners postpone instead of failing. Real errors from a
 * real ObjectStore: one pointed at a port nothing listens on (an outage), and a missing object
 * on a real s3rver (not transient: waiting does not make it appear).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectStore, isTransientStorageFailure } from '@holterflow/storage';
import { s3rverForTestFile } from '../../../test/support/s3rver.js';

const server = s3rverForTestFile();

test('S3 unreachable is transient, also when wrapped; a missing object or a plain error is not', async () => {
  const down = new ObjectStore({
    ...server.s3.config,
    endpoint: 'http://127.0.0.1:9',
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
  });
  try {
    const outage = await down.get('runs/x/manifest.json').catch((e: unknown) => e);
    assert.match(String(outage), /\(ECONNREFUSED\) after 2 attempts/);
    assert.equal(isTransientStorageFailure(outage), true);
    assert.equal(isTransientStorageFailure(new Error('reading a part failed', { cause: outage })), true);
  } finally {
    down.destroy();
  }
  const missing = await server.store.get('no/such/object').catch((e: unknown) => e);
  assert.equal(isTransientStorageFailure(missing), false);
  assert.equal(isTransientStorageFailure(new Error('not a Parquet file')), false);
  assert.equal(isTransientStorageFailure('ECONNREFUSED'), false);
});
