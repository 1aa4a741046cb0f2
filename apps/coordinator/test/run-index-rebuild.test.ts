/**
 * GET /runs after Redis lost the run index (issue #5): a coordinator that starts with an empty
 * index rebuilds it from the manifests in S3, skipping folders without a valid manifest; one
 * that finds a rebuild cut short resumes it; one that finds an index in place leaves it alone.
 * Real Redis (own prefix), real s3rver, real coordinators restarted between steps; no worker.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { ObjectStore } from '@holterflow/storage';
import { connectTestRedis, type TestRedis } from '../../../test/support/redis.js';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';
import { ingestFixtures, saveSeedModel } from '../../../test/support/run-fixtures.js';
import { jsonClient, type Json } from '../../../test/support/http.js';
import { startTestCoordinator } from '../../../test/support/coordinator.js';

let redis: TestRedis;
let s3: S3rverHandle;
let store: ObjectStore;
let app: INestApplication | undefined;
let base: string;
const http = jsonClient(() => base);

/** The index keys of run-index.ts under this test's prefix. */
const indexKey = (name: 'runs' | 'run-buckets' | 'run-index-rebuilding') =>
  `${redis.prefix}:holterflow:${name}`;

async function restartCoordinator(beforeStart: () => Promise<void> = async () => {}): Promise<void> {
  await app?.close();
  app = undefined;
  await beforeStart();
  ({ app, base } = await startTestCoordinator(redis, s3));
}

/** GET /runs until it no longer says `indexing`; also tells whether it was ever seen saying so. */
async function listOnceIndexed(deadlineMs = 10_000): Promise<{ list: Json; sawIndexing: boolean }> {
  const deadline = Date.now() + deadlineMs;
  let sawIndexing = false;
  for (;;) {
    const res = await http('GET', '/runs');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(typeof res.json.indexing, 'boolean');
    if (!res.json.indexing) return { list: res.json, sawIndexing };
    sawIndexing = true;
    assert.ok(Date.now() < deadline, `GET /runs still says indexing after ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  store = new ObjectStore(s3.config);
  await ingestFixtures(store, 'mitdb', ['100']);
  await saveSeedModel(store, 'seed-1');
  await restartCoordinator();
});

after(async () => {
  await app?.close();
  store?.destroy();
  await s3?.stop();
  await redis?.cleanup();
});

test('GET /runs lists the runs in S3 again, newest first, after Redis lost the index', async () => {
  const submit = async (options: Json) => {
    const res = await http('POST', '/runs', { recordings: ['mitdb/100.parquet'], model: 'seed-1', options });
    assert.equal(res.status, 202, JSON.stringify(res.json));
    return res.json.runId as string;
  };
  const older = await submit({ windowSeconds: 600 });
  const newer = await submit({ windowSeconds: 900 });
  assert.notEqual(older, newer);
  const before = (await listOnceIndexed()).list;
  assert.deepEqual(
    before.runs.map((r: Json) => r.runId),
    [newer, older],
  );
  assert.ok(before.runs[0].createdAt > before.runs[1].createdAt);

  // Folders under runs/ that are no run: a manifest that is not JSON, one of the wrong shape,
  // one naming another run, and parts without a manifest. Each is skipped, none stops the rest.
  await store.put('runs/run-corrupt/manifest.json', '{"runId": "run-corrupt", "crea');
  await store.putJson('runs/run-wrong-shape/manifest.json', { runId: 'run-wrong-shape' });
  await store.put('runs/run-copied/manifest.json', await store.get(`runs/${older}/manifest.json`));
  await store.put('runs/run-no-manifest/parts/100/w0000.parquet', 'x');

  await restartCoordinator(async () => {
    assert.equal(await redis.redis.del(indexKey('runs'), indexKey('run-buckets')), 2);
  });
  const { list } = await listOnceIndexed();
  assert.equal(list.total, 2);
  assert.deepEqual(list.runs, before.runs);
  for (const runId of [older, newer]) {
    const status = await http('GET', `/runs/${runId}`);
    assert.equal(status.status, 200);
    assert.equal(status.json.runId, runId);
  }
  assert.equal(await redis.redis.hget(indexKey('run-buckets'), older), s3.config.bucket);
  assert.equal(await redis.redis.exists(indexKey('run-index-rebuilding')), 0);

  // An index in place is left alone: a run missing from it stays missing.
  await restartCoordinator(async () => {
    assert.equal(await redis.redis.zrem(indexKey('runs'), older), 1);
  });
  const kept = (await listOnceIndexed()).list;
  assert.deepEqual(
    kept.runs.map((r: Json) => r.runId),
    [newer],
  );
  assert.equal(kept.total, 1);

  // A rebuild cut short (its marker left behind) is done again on the next start.
  await restartCoordinator(async () => {
    await redis.redis.set(indexKey('run-index-rebuilding'), new Date().toISOString());
  });
  const resumed = (await listOnceIndexed()).list;
  assert.deepEqual(resumed.runs, before.runs);
  assert.equal(resumed.total, 2);
  assert.equal(await redis.redis.exists(indexKey('run-index-rebuilding')), 0);
});
