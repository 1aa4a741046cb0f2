import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerConfigError, parseRoles, workerConfigFromEnv } from '../src/config.js';

test('HOLTERFLOW_ROLES: a comma list of roles that have processors; unset means all but train', () => {
  assert.deepEqual(parseRoles('ingest'), ['ingest']);
  assert.deepEqual(parseRoles(' ingest , ingest '), ['ingest']);
  assert.deepEqual(parseRoles('summarize,classify'), ['summarize', 'classify']);
  assert.deepEqual(parseRoles('train,ingest'), ['train', 'ingest']);
  assert.deepEqual(parseRoles(undefined), ['ingest', 'classify', 'summarize', 'finalize']);
  assert.deepEqual(parseRoles(''), ['ingest', 'classify', 'summarize', 'finalize']);
});

test('unknown roles are refused by name', () => {
  assert.throws(
    () => parseRoles('ingest,classfy'),
    (err: unknown) =>
      err instanceof WorkerConfigError &&
      err.message ===
        'HOLTERFLOW_ROLES: unknown role "classfy" (roles are: ingest, classify, summarize, finalize, train)',
  );
});

test('per-role concurrency and the shutdown grace period come from the environment', () => {
  const config = workerConfigFromEnv({
    HOLTERFLOW_ROLES: 'ingest',
    HOLTERFLOW_INGEST_CONCURRENCY: '3',
    HOLTERFLOW_SHUTDOWN_GRACE_MS: '5000',
    HOLTERFLOW_QUEUE_PREFIX: 'q1',
  });
  assert.deepEqual(config.roles, [{ role: 'ingest', concurrency: 3 }]);
  assert.equal(config.shutdownGraceMs, 5000);
  assert.equal(config.queuePrefix, 'q1');
  assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
  assert.equal(workerConfigFromEnv({}).roles[0].concurrency, 1);
  assert.throws(
    () => workerConfigFromEnv({ HOLTERFLOW_INGEST_CONCURRENCY: '0' }),
    /HOLTERFLOW_INGEST_CONCURRENCY="0" is not a positive integer/,
  );
});
