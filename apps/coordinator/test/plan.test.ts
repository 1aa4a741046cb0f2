/**
 * Planning rules a lab meets: how a record is cut into windows (a trailing part shorter than a
 * minute joins the window before it), which recordings a prefix takes (sub-prefixes unless
 * `recursive: false`), and a missing bucket named as such — over a real s3rver and, for the
 * last, a real coordinator on real Redis.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { RunRequestSchema } from '@holterflow/contracts';
import { ObjectStore } from '@holterflow/storage';
import {
  MIN_TRAILING_WINDOW_SECONDS,
  discoverRecordings,
  windowCount,
  windowRange,
} from '../src/runs/plan.js';
import { deriveRunId } from '../src/runs/run-id.js';
import { connectTestRedis, type TestRedis } from '../../../test/support/redis.js';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';
import { startTestCoordinator } from '../../../test/support/coordinator.js';
import { jsonClient } from '../../../test/support/http.js';

let redis: TestRedis;
let s3: S3rverHandle;
let store: ObjectStore;
let app: INestApplication;
let base = '';
const http = jsonClient(() => base);

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  store = new ObjectStore(s3.config);
  // no-such-bucket is allowed by configuration but never created: the 422 below.
  ({ app, base } = await startTestCoordinator(redis, s3, { allowedBuckets: ['no-such-bucket'] }));
});

after(async () => {
  await app?.close();
  store?.destroy();
  await s3?.stop();
  await redis?.cleanup();
});

test('a trailing part shorter than a minute joins the window before it; a minute or more is its own', () => {
  const fs = 360;
  const mitdb = 650_000; // 1805.6 s
  assert.equal(windowCount(mitdb, fs, 1800), 1);
  assert.equal(windowCount(mitdb, fs, 600), 3);
  assert.equal(windowCount(mitdb, fs, 300), 6);
  assert.equal(windowCount(mitdb, fs, 60), 30); // 5.6 s after 30 whole minutes
  const span = 600 * fs;
  assert.equal(windowCount(2 * span, fs, 600), 2, 'whole windows only');
  assert.equal(windowCount(2 * span + MIN_TRAILING_WINDOW_SECONDS * fs, fs, 600), 3, 'exactly a minute left');
  assert.equal(windowCount(2 * span + MIN_TRAILING_WINDOW_SECONDS * fs - 1, fs, 600), 2, 'one sample short');
  assert.equal(windowCount(20 * fs, fs, 600), 1, 'a record shorter than one window');

  // Every sample is owned by exactly one window, the last running to the record's end.
  const windows = windowCount(mitdb, fs, 600);
  const ranges = Array.from({ length: windows }, (_, w) => windowRange(w, windows, mitdb, span));
  assert.deepEqual(ranges, [
    { start: 0, end: span },
    { start: span, end: 2 * span },
    { start: 2 * span, end: mitdb },
  ]);
});

test('a prefix takes the recordings of its sub-prefixes unless recursive is false', async () => {
  for (const key of ['lab/a.parquet', 'lab/a.beats.parquet', 'lab/night/b.parquet', 'lab/night/c.arrow'])
    await store.put(key, 'x');
  const plan = async (body: object) =>
    (await discoverRecordings(store, RunRequestSchema.parse({ bucket: s3.bucket, ...body }))).map(
      (c) => c.recordingKey,
    );
  assert.deepEqual((await plan({ prefix: 'lab' })).sort(), [
    'lab/a.parquet',
    'lab/night/b.parquet',
    'lab/night/c.arrow',
  ]);
  assert.deepEqual(await plan({ prefix: 'lab', recursive: false }), ['lab/a.parquet']);
  assert.deepEqual(await plan({ prefix: 'lab/night', recursive: false }), [
    'lab/night/b.parquet',
    'lab/night/c.arrow',
  ]);

  // Requests that do not say keep the run ids they had; saying false is another run.
  const request = (extra: object) => RunRequestSchema.parse({ bucket: s3.bucket, prefix: 'lab', ...extra });
  assert.equal(deriveRunId(request({}), 'm'), deriveRunId(request({ recursive: true }), 'm'));
  assert.notEqual(deriveRunId(request({}), 'm'), deriveRunId(request({ recursive: false }), 'm'));
});

test('POST /runs on a bucket that does not exist says so, not that it has no model', async () => {
  // A bucket the configuration does not allow is refused before S3 is asked.
  const unlisted = await http('POST', '/runs', { bucket: 'someone-elses', prefix: 'lab' });
  assert.equal(unlisted.status, 400);
  assert.match(JSON.stringify(unlisted.json), /bucket/);
  const res = await http('POST', '/runs', { bucket: 'no-such-bucket', prefix: 'lab' });
  assert.equal(res.status, 422);
  assert.match(res.json.message, /^bucket no-such-bucket does not exist at http:\/\/127\.0\.0\.1:\d+$/);
  // A bucket that exists without a model still gets the model's message.
  const noModel = await http('POST', '/runs', { bucket: s3.bucket, prefix: 'lab' });
  assert.equal(noModel.status, 422);
  assert.match(noModel.json.message, /no default model/);
});
