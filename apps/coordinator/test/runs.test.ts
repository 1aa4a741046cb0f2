/**
 * The /runs endpoints without workers, against real Redis (own prefix) and a real S3 server:
 * planning from footers (bad recordings rejected with their reason), the flow in the queues,
 * deterministic run ids and resubmission, status, cancel, validation and 4xx answers.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { QUEUES, RunManifestSchema, keys, runJobIds } from '@holterflow/contracts';
import { objectModelStore, setDefaultModelVersion } from '@holterflow/registry';
import { ObjectStore } from '@holterflow/storage';
import { connectTestRedis, type TestRedis } from '../../../test/support/redis.js';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';
import {
  BAD_RECORDINGS,
  ingestFixtures,
  putBadRecordings,
  saveSeedModel,
} from '../../../test/support/run-fixtures.js';
import { jsonClient, type Json } from '../../../test/support/http.js';
import { startTestCoordinator } from '../../../test/support/coordinator.js';

let redis: TestRedis;
let s3: S3rverHandle;
let store: ObjectStore;
let app: INestApplication;
let base: string;
const queues: Record<'classify' | 'summarize' | 'finalize', Queue> = {} as never;

/** Response bodies are asserted field by field below; typing each endpoint here would only restate them. */

const http = jsonClient(() => base);

async function jobCounts() {
  const out: Record<string, Record<string, number>> = {};
  for (const [name, q] of Object.entries(queues))
    out[name] = await q.getJobCounts('waiting', 'waiting-children', 'active', 'completed', 'failed');
  return out;
}

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  store = new ObjectStore(s3.config);
  await ingestFixtures(store, 'mitdb', ['100', '232']);
  await putBadRecordings(store, 'mitdb');
  await saveSeedModel(store, 'seed-1');
  for (const name of ['classify', 'summarize', 'finalize'] as const)
    queues[name] = new Queue(QUEUES[name], { connection: redis.newConnection(), prefix: redis.prefix });
  ({ app, base } = await startTestCoordinator(redis, s3));
});

after(async () => {
  await app?.close();
  for (const q of Object.values(queues)) await q.close();
  store?.destroy();
  await s3?.stop();
  await redis?.cleanup();
});

test('POST /runs: 400 for a bad body, 422 for a missing model or an empty prefix', async () => {
  const both = await http('POST', '/runs', {
    prefix: 'mitdb',
    recordings: ['mitdb/100.parquet'],
    model: 'seed-1',
  });
  assert.equal(both.status, 400);
  assert.deepEqual(both.json.problems, [
    { field: '(body)', problem: 'name recordings by exactly one of "prefix" or "recordings"' },
  ]);
  const badWindow = await http('POST', '/runs', { prefix: 'mitdb', options: { windowSeconds: 65 } });
  assert.equal(badWindow.status, 400);
  assert.deepEqual(
    badWindow.json.problems.map((p: { field: string }) => p.field),
    ['options.windowSeconds'],
  );
  const noDefault = await http('POST', '/runs', { prefix: 'mitdb' });
  assert.equal(noDefault.status, 422);
  assert.match(
    noDefault.json.message,
    /no model named and no default model: .*models\/DEFAULT does not exist/,
  );
  const missing = await http('POST', '/runs', { prefix: 'mitdb', model: 'v404' });
  assert.equal(missing.status, 422);
  assert.match(
    missing.json.message,
    /model version v404 does not exist: no s3:\/\/holterflow-test\/models\/v404\/model\.json/,
  );
  const empty = await http('POST', '/runs', { prefix: 'nothing-here', model: 'seed-1' });
  assert.equal(empty.status, 422);
  assert.match(empty.json.message, /no recordings .* under s3:\/\/holterflow-test\/nothing-here/);
  assert.deepEqual(await jobCounts(), {
    classify: { waiting: 0, 'waiting-children': 0, active: 0, completed: 0, failed: 0 },
    summarize: { waiting: 0, 'waiting-children': 0, active: 0, completed: 0, failed: 0 },
    finalize: { waiting: 0, 'waiting-children': 0, active: 0, completed: 0, failed: 0 },
  });
});

test('POST /runs plans from footers, rejects bad recordings by reason, queues the flow; resubmitting adds nothing', async () => {
  await setDefaultModelVersion(objectModelStore(store), 'seed-1');
  const request = { prefix: 'mitdb/', options: { windowSeconds: 600, marginSeconds: 30 } };
  const first = await http('POST', '/runs', request);
  assert.equal(first.status, 202, JSON.stringify(first.json));
  const { runId } = first.json;
  assert.match(runId, /^run-[0-9a-f]{16}$/);
  assert.equal(first.json.outcome, 'planned');
  assert.equal(first.json.model, 'seed-1');
  // 100, 232 and all-nan plan (all-nan is judged unanalysable once read); four are rejected.
  assert.equal(first.json.records, 3);
  const rejected = Object.fromEntries(first.json.rejected.map((r: Json) => [r.recordId, r.error]));
  assert.deepEqual(Object.keys(rejected).sort(), ['corrupt', 'no-rate', 'one-second', 'wrong-schema']);
  for (const id of Object.keys(rejected))
    assert.match(rejected[id], BAD_RECORDINGS[id as keyof typeof BAD_RECORDINGS], id);

  const manifest = await store.getJson(keys.runManifest(runId), RunManifestSchema);
  const byId = Object.fromEntries(manifest.records.map((r) => [r.recordId, r]));
  // 650,000 samples at 360 Hz = 1805.6 s → 3 windows of 600 s, the last taking the trailing 5.6 s
  // (shorter than a minute: no window of its own); all-nan: 120 s → 1 window.
  assert.deepEqual(
    manifest.records.map((r) => [r.recordId, r.numSamples, r.windows, r.referenceBeatsKey ?? null]),
    [
      ['100', 650000, 3, 'mitdb/100.beats.parquet'],
      ['232', 650000, 3, 'mitdb/232.beats.parquet'],
      ['all-nan', 43200, 1, null],
    ],
  );
  // The last window runs from 1200 s to the record's end; there is no fourth.
  assert.equal(await queues.classify.getJob(runJobIds.classify(runId, '100', 3)), undefined);
  const w2 = await queues.classify.getJob(runJobIds.classify(runId, '100', 2));
  assert.deepEqual(
    {
      start: w2?.data.start,
      end: w2?.data.end,
      margin: w2?.data.marginSeconds,
      model: w2?.data.modelVersion,
    },
    { start: 2 * 216000, end: 650000, margin: 30, model: 'seed-1' },
  );
  assert.equal(byId['100'].leads.join(','), 'MLII,V5');
  const counts = await jobCounts();
  assert.deepEqual(counts, {
    classify: { waiting: 7, 'waiting-children': 0, active: 0, completed: 0, failed: 0 },
    summarize: { waiting: 0, 'waiting-children': 3, active: 0, completed: 0, failed: 0 },
    finalize: { waiting: 0, 'waiting-children': 1, active: 0, completed: 0, failed: 0 },
  });
  // The finalize job waits on the three records only: the planning gate is open.
  const finalize = await queues.finalize.getJob(runJobIds.finalize(runId));
  assert.deepEqual(await finalize!.getDependenciesCount(), {
    processed: 1,
    unprocessed: 3,
    failed: 0,
    ignored: 0,
  });

  const again = await http('POST', '/runs', request);
  assert.equal(again.status, 202);
  assert.equal(again.json.runId, runId);
  assert.equal(again.json.outcome, 'resumed');
  assert.deepEqual(await jobCounts(), counts);
  // An explicit list of the same keys is another request, hence another run id.
  const listed = await http('POST', '/runs', { recordings: ['mitdb/100.parquet'], model: 'seed-1' });
  assert.equal(listed.status, 202);
  assert.notEqual(listed.json.runId, runId);
  assert.equal(listed.json.records, 1);
  assert.equal(
    (await store.getJson(keys.runManifest(listed.json.runId), RunManifestSchema)).records[0]
      .referenceBeatsKey,
    'mitdb/100.beats.parquet',
  );

  const status = await http('GET', `/runs/${runId}`);
  assert.equal(status.status, 200);
  assert.equal(status.json.state, 'running');
  assert.deepEqual(status.json.records, { total: 7, done: 0, failed: 4, running: 0, queued: 3 });
  assert.deepEqual(status.json.windows, { total: 7, done: 0, failed: 0 });
  assert.equal(status.json.beats, 0);
  assert.equal(status.json.throughput, null);
  assert.equal(status.json.etaSeconds, null);
  assert.equal(status.json.outputs.summaryCsv, `runs/${runId}/summary.csv`);

  const failed = await http('GET', `/runs/${runId}/records?state=failed`);
  assert.equal(failed.json.total, 4);
  assert.match(
    failed.json.records.find((r: Json) => r.recordId === 'corrupt').error,
    /^not planned: .*footer is corrupt/,
  );
  const page = await http('GET', `/runs/${runId}/records?limit=2&offset=1`);
  assert.deepEqual(
    page.json.records.map((r: Json) => r.recordId),
    ['232', 'all-nan'],
  );
  assert.equal((await http('GET', `/runs/${runId}/records?state=nope`)).status, 400);

  const list = await http('GET', '/runs');
  assert.equal(list.json.total, 2);
  assert.deepEqual(list.json.runs.map((r: Json) => r.runId).sort(), [runId, listed.json.runId].sort());
  assert.equal((await http('GET', '/runs/run-0000000000000000')).status, 404);
  assert.equal((await http('GET', '/runs/..%2Fx')).status, 400); // an unsafe id is refused by name

  const cancel = await http('POST', `/runs/${runId}/cancel`);
  assert.equal(cancel.status, 202);
  assert.equal(cancel.json.busyRecords, 0);
  const cancelled = await http('GET', `/runs/${runId}`);
  assert.equal(cancelled.json.state, 'cancelled');
  assert.deepEqual(cancelled.json.records, { total: 7, done: 0, failed: 4, running: 0, queued: 0 });
  const afterCancel = await jobCounts();
  // Only the other run's jobs are left (record 100 in one default 1800 s window with its last 5.6 s).
  assert.equal(afterCancel.classify.waiting, 1);
  assert.equal(afterCancel.summarize['waiting-children'], 1);
  assert.equal(afterCancel.finalize['waiting-children'], 1);

  const resumed = await http('POST', '/runs', request);
  assert.equal(resumed.json.outcome, 'resumed');
  assert.equal((await http('GET', `/runs/${runId}`)).json.state, 'running');
  assert.equal((await jobCounts()).classify.waiting, 8); // this run's 7 and the other run's 1
});

test('GET /docs-json documents the run endpoints with the request schema', async () => {
  const { json } = await http('GET', '/docs-json');
  for (const path of [
    '/runs',
    '/runs/{runId}',
    '/runs/{runId}/records',
    '/runs/{runId}/cancel',
    '/runs/{runId}/retry-failed',
  ])
    assert.ok(json.paths[path], path);
  const schema = json.paths['/runs'].post.requestBody.content['application/json'].schema;
  assert.ok(schema.properties.prefix && schema.properties.recordings && schema.properties.options);
  assert.ok(!(schema.required ?? []).includes('bucket'));
});

test('a run planned afresh under an id whose finished jobs Redis still holds (its bucket was wiped) replaces them instead of never starting', async () => {
  const request = { recordings: ['mitdb/232.parquet'], model: 'seed-1', runId: 'wiped-bucket-run' };
  const first = await http('POST', '/runs', request);
  assert.equal(first.status, 202, JSON.stringify(first.json));
  const planned = await store.getJson(keys.runManifest('wiped-bucket-run'), RunManifestSchema);
  const classifyIds = Array.from({ length: planned.records[0].windows }, (_, w) =>
    runJobIds.classify('wiped-bucket-run', '232', w),
  );
  // Finish this run's windows as a worker would (any result will do: nothing reads it here).
  const done = new Set<string>();
  const worker = new Worker(QUEUES.classify, async (job) => void done.add(job.id!), {
    connection: redis.newConnection(),
    prefix: redis.prefix,
  });
  try {
    const deadline = Date.now() + 20_000;
    while (!classifyIds.every((id) => done.has(id)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
  } finally {
    await worker.close();
  }
  for (const id of classifyIds) assert.equal(await queues.classify.getJobState(id), 'completed', id);

  // The bucket loses the run (wiped, or another local stack sharing this Redis), then the same
  // request comes again: it is planned afresh, and its windows must run again.
  await store.delete(keys.runManifest('wiped-bucket-run'));
  const again = await http('POST', '/runs', request);
  assert.equal(again.status, 202, JSON.stringify(again.json));
  assert.equal(again.json.outcome, 'planned');
  for (const id of classifyIds) assert.equal(await queues.classify.getJobState(id), 'waiting', id);
  assert.equal(await queues.finalize.getJobState(runJobIds.finalize('wiped-bucket-run')), 'waiting-children');
});
