/**
 * The analyst download routes against a real coordinator, Redis and S3 server: a record's
 * summary, report.html and beats (filtered by class and time, CSV or Parquet), the run's
 * summary.csv, and the 4xx answers that say why (unknown record, failed record, not done yet).
 * The record's outputs are written as summarize writes them (test/support/report-run.ts).
 * Calls carry an analyst key made over the API, as an admin hands one to an analyst.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { keys, type RunStatus } from '@holterflow/contracts';
import { asyncBufferFromBytes, readBeatResultsParquet, type BeatResults } from '@holterflow/formats';
import { ObjectStore } from '@holterflow/storage';
import { connectTestRedis, type TestRedis } from '../../../test/support/redis.js';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';
import { startTestCoordinator } from '../../../test/support/coordinator.js';
import { jsonClient } from '../../../test/support/http.js';
import { putReportedRun } from '../../../test/support/report-run.js';
import { manifestOf } from '../../../test/support/run-flow.js';
import { runSummaryParquet, summarizeRecord } from '@holterflow/report';

let redis: TestRedis;
let s3: S3rverHandle;
let store: ObjectStore;
let app: INestApplication;
let base: string;
let beats: BeatResults;
const RUN = 'results-run';
let analystKey: string;
let operatorKey: string;

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  store = new ObjectStore(s3.config);
  beats = await putReportedRun(store, s3.config.bucket, RUN);
  ({ app, base } = await startTestCoordinator(redis, s3));
  const admin = jsonClient(() => base);
  analystKey = (await admin('POST', '/admin/keys', { role: 'analyst', name: 'results test' })).json.key;
  operatorKey = (await admin('POST', '/admin/keys', { role: 'operator', name: 'results test' })).json.key;
});

after(async () => {
  await app?.close();
  store?.destroy();
  await s3?.stop();
  await redis?.cleanup();
});

const get = (path: string, key = analystKey) =>
  fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });

test('results are patient data: an operator key is refused (403), no key is 401', async () => {
  const asOperator = await get(`/runs/${RUN}/records/208/summary`, operatorKey);
  assert.equal(asOperator.status, 403);
  assert.equal((await fetch(`${base}/runs/${RUN}/records/208/beats`)).status, 401);
  const traversal = await get(`/runs/${RUN}/records/..%2F..%2Fkeys/summary`);
  assert.equal(traversal.status, 400);
  assert.match(await traversal.text(), /recordId/);
});

test("a record's summary: the Holter report's figures", async () => {
  const res = await get(`/runs/${RUN}/records/208/summary`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { beats: number; holter: { ventricular: { beats: number } } };
  assert.equal(body.beats, beats.samples.length);
  assert.equal(body.holter.ventricular.beats, 992);
});

test('beats filtered by class and time, as CSV', async () => {
  const res = await get(`/runs/${RUN}/records/208/beats?class=V,F&from=60&to=600`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
  const lines = (await res.text()).trim().split('\n');
  assert.equal(lines[0], 'sample,time_s,class,p_N,p_S,p_V,p_F,p_Q,rr_prev_ms,rr_next_ms,window');
  const expected = beats.classes.filter(
    (c, i) => (c === 'V' || c === 'F') && beats.timeS[i] >= 60 && beats.timeS[i] < 600,
  );
  assert.equal(lines.length - 1, expected.length);
  for (const line of lines.slice(1)) {
    const [, t, cls] = line.split(',');
    assert.ok(cls === 'V' || cls === 'F', line);
    assert.ok(Number(t) >= 60 && Number(t) < 600, line);
  }
});

test('beats as Parquet: whole file, or filtered and rewritten', async () => {
  const whole = await get(`/runs/${RUN}/records/208/beats?format=parquet`);
  assert.equal(whole.status, 200);
  const all = await readBeatResultsParquet(
    asyncBufferFromBytes(new Uint8Array(await whole.arrayBuffer())),
    'whole',
  );
  assert.deepEqual(all.results.samples, beats.samples);
  const f = await get(`/runs/${RUN}/records/208/beats?format=parquet&class=F`);
  const only = await readBeatResultsParquet(asyncBufferFromBytes(new Uint8Array(await f.arrayBuffer())), 'F');
  assert.equal(only.results.samples.length, beats.classes.filter((c) => c === 'F').length);
  assert.ok(only.results.classes.every((c) => c === 'F'));
});

test('report.html is served inline as HTML', async () => {
  const res = await get(`/runs/${RUN}/records/208/report`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  assert.match(await res.text(), /Holter report — record 208/);
});

test('4xx that say why: bad class, unknown record, failed record, not summarized, no summary.csv yet', async () => {
  const badClass = await get(`/runs/${RUN}/records/208/beats?class=X`);
  assert.equal(badClass.status, 400);
  assert.match(await badClass.text(), /unknown class X/);
  const order = await get(`/runs/${RUN}/records/208/beats?from=100&to=50`);
  assert.equal(order.status, 400);
  const unknown = await get(`/runs/${RUN}/records/nope/summary`);
  assert.equal(unknown.status, 404);
  assert.match(await unknown.text(), /has no record/);
  const failed = await get(`/runs/${RUN}/records/bad/report`);
  assert.equal(failed.status, 409);
  assert.match(await failed.text(), /not a Parquet file/);
  const pending = await get(`/runs/${RUN}/records/pending/beats`);
  assert.equal(pending.status, 404);
  assert.match(await pending.text(), /not summarized yet/);
  const csv = await get(`/runs/${RUN}/summary.csv`);
  assert.equal(csv.status, 404);
  assert.match(await csv.text(), /written when the run completes/);
  assert.equal((await get('/runs/no-such-run/summary.csv')).status, 404);
});

test("the run's summary.csv, once written, is streamed as it is", async () => {
  const text = 'record_id,status\n208,complete\nbad,failed\n';
  await store.put(keys.runSummaryCsv(RUN), text);
  const res = await get(`/runs/${RUN}/summary.csv`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-disposition') ?? '', /attachment/);
  assert.equal(await res.text(), text);
});

test("a finished run's status takes its records' counts from summary.parquet in one read", async () => {
  // A completed run of three records whose summary.json were never written: only the run's
  // summary.parquet (as finalize writes it) can give their counts, so a status that shows them
  // read that one object instead of one summary.json per record.
  const run = 'parquet-status-run';
  const recordIds = ['p1', 'p2', 'p3'];
  const manifest = manifestOf(
    run,
    s3.config.bucket,
    'v1',
    recordIds.map((recordId) => ({
      recordId,
      recordingKey: `mitdb/${recordId}.parquet`,
      fs: 360,
      numSamples: 360 * 60,
      leads: ['MLII'],
      windows: 1,
    })),
    1800,
  );
  await store.put(
    keys.runManifest(run),
    JSON.stringify({ ...manifest, completedAt: new Date().toISOString() }),
  );
  const rows = recordIds.map((recordId, i) => ({
    recordId,
    status: 'complete' as const,
    error: null,
    summary: summarizeRecord({
      runId: run,
      recordId,
      modelVersion: 'v1',
      fs: 360,
      numSamples: 360 * 60,
      samples: [360, 720, 1080, 1440].slice(0, 2 + i),
      classes: (['N', 'V', 'N', 'S'] as const).slice(0, 2 + i),
      unreadable: [],
    }),
  }));
  await store.put(keys.runSummaryParquet(run), runSummaryParquet(rows));
  const res = await get(`/runs/${run}`);
  assert.equal(res.status, 200);
  const status = (await res.json()) as RunStatus;
  assert.equal(status.records.done, 3, JSON.stringify(status.records));
  assert.equal(status.beats, 2 + 3 + 4);
});
