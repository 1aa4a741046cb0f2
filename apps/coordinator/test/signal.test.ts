/**
 * GET /runs/:runId/records/:recordId/signal against real Redis and s3rver, the coordinator's S3
 * traffic passing through a counting proxy: the samples are the recording's own, long ranges come
 * as min/max pairs, the beats and unanalysable stretches of the range come along once the record
 * is summarized, only the row groups of the range are fetched (a fraction of the object), and
 * bad parameters are a 400 naming the field.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { keys } from '@holterflow/contracts';
import { readBeatResultsParquet, readWfdbRecord, writeBeatResultsParquet } from '@holterflow/formats';
import { ObjectStore } from '@holterflow/storage';
import { connectTestRedis, type TestRedis } from '../../../test/support/redis.js';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';
import { startTestCoordinator } from '../../../test/support/coordinator.js';
import { jsonClient, type Json } from '../../../test/support/http.js';
import { ingestFixtures } from '../../../test/support/run-fixtures.js';
import { FIXTURE_MITDB_DIR } from '../../../test/support/mitdb.js';
import { putReportedRun } from '../../../test/support/report-run.js';

const RUN = 'signal-run';
/** The same record with one second marked unanalysable in its beats.parquet (as summarize writes it). */
const NOISY_RUN = 'signal-run-noisy';

let redis: TestRedis;
let s3: S3rverHandle;
let store: ObjectStore;
let proxy: Server;
let app: INestApplication;
let base: string;
/** Response bytes of GETs of each key, as the coordinator fetched them through the proxy. */
const fetched = new Map<string, number>();
const http = jsonClient(() => base);

/** Forwards to s3rver, counting the bytes of every GET answer by object key. */
function countingProxy(target: URL): Promise<Server> {
  const server = createServer((req, res) => {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.on('data', (chunk: Buffer) => {
          if (req.method === 'GET') {
            const key = decodeURIComponent(
              new URL(req.url ?? '/', 'http://x').pathname.split('/').slice(2).join('/'),
            );
            fetched.set(key, (fetched.get(key) ?? 0) + chunk.length);
          }
        });
        up.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  store = new ObjectStore(s3.config);
  await ingestFixtures(store, 'mitdb', ['208']);
  await putReportedRun(store, s3.config.bucket, RUN);
  await putReportedRun(store, s3.config.bucket, NOISY_RUN);
  const beatsKey = keys.runRecordBeats(NOISY_RUN, '208');
  const { results, meta } = await readBeatResultsParquet(await store.asyncBuffer(beatsKey), beatsKey);
  const unreadable = [{ start: 101 * 360, end: 102 * 360, reason: 'noise' }];
  await store.put(beatsKey, writeBeatResultsParquet(results, { ...meta, unreadable }));
  proxy = await countingProxy(new URL(s3.endpoint));
  const proxied = {
    ...s3,
    config: { ...s3.config, endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` },
  };
  ({ app, base } = await startTestCoordinator(redis, proxied));
});

after(async () => {
  await app?.close();
  proxy?.close();
  store?.destroy();
  await s3?.stop();
  await redis?.cleanup();
});

const rec = () => readWfdbRecord(join(FIXTURE_MITDB_DIR, '208.hea'));

test('every sample of a 10 s strip of both leads, the beats of the range and no unanalysable stretch', async () => {
  const { status, json } = await http('GET', `/runs/${RUN}/records/208/signal?start=100&end=110`);
  assert.equal(status, 200, JSON.stringify(json));
  const wfdb = rec();
  assert.deepEqual(json.leads, wfdb.leads);
  assert.equal(json.fs, 360);
  assert.equal(json.step, 1);
  assert.equal(json.startS, 100);
  assert.equal(json.endS, 110);
  for (let l = 0; l < wfdb.leads.length; l++) {
    assert.equal(json.values[l].length, 3600);
    const expected = Array.from(wfdb.signals[l].subarray(36000, 39600), (v) => Math.round(v * 1000) / 1000);
    assert.deepEqual(json.values[l], expected);
  }
  const inRange = (wfdb.beats ?? []).filter((b) => b.sample >= 36000 && b.sample < 39600);
  assert.equal(json.beats.timeS.length, inRange.length);
  assert.equal(json.beats.classes, inRange.map((b) => b.aami).join(''));
  assert.deepEqual(json.unanalysable, []);
});

test('a long range comes as min/max pairs per bucket: the envelope of the samples, within maxPoints', async () => {
  const { json } = await http('GET', `/runs/${RUN}/records/208/signal?start=0&end=600&maxPoints=1000`);
  const wfdb = rec();
  const n = 600 * 360;
  assert.ok(json.values[0].length <= 1000, `${json.values[0].length} points`);
  assert.equal(json.values[0].length, 2 * Math.ceil(n / json.step));
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    max = Math.max(max, wfdb.signals[0][i]);
    min = Math.min(min, wfdb.signals[0][i]);
  }
  const values = json.values[0] as number[];
  assert.equal(Math.max(...values), Math.round(max * 1000) / 1000);
  assert.equal(Math.min(...values), Math.round(min * 1000) / 1000);
});

test('only the row groups of the range are fetched from S3, never the whole recording', async () => {
  const key = keys.recording('mitdb', '208');
  const size = (await store.head(key))!.size;
  fetched.clear();
  // A new coordinator would read the footer once; this one has it: only sample pages now.
  await http('GET', `/runs/${RUN}/records/208/signal?start=900&end=910`);
  const bytes = fetched.get(key) ?? 0;
  assert.ok(bytes > 0, 'nothing fetched');
  assert.ok(bytes < size / 3, `fetched ${bytes} of ${size} bytes`);
});

test('bad parameters are a 400 naming the field; an unknown record is a 404', async () => {
  const cases: [string, string][] = [
    ['', 'start'],
    ['start=abc&end=10', 'start'],
    ['start=-1&end=10', 'start'],
    ['start=0', 'end'],
    ['start=10&end=5', 'end'],
    ['start=0&end=4000', 'end'],
    ['start=0&end=10&maxPoints=5', 'maxPoints'],
    ['start=5000&end=5010', 'start'],
  ];
  for (const [query, field] of cases) {
    const { status, json } = await http('GET', `/runs/${RUN}/records/208/signal?${query}`);
    assert.equal(status, 400, `${query}: ${status}`);
    assert.ok(
      (json.problems as { field: string }[]).some((p) => p.field === field),
      `${query}: ${JSON.stringify(json as Json)}`,
    );
  }
  // Record "bad" of the run is planned from mitdb/bad.parquet, which is not in the bucket.
  const gone = await http('GET', `/runs/${RUN}/records/bad/signal?start=0&end=10`);
  assert.equal(gone.status, 404);
  assert.match(gone.json.message, /record bad: its recording s3:\/\/.*mitdb\/bad\.parquet no longer exists/);
  const unknown = await http('GET', `/runs/${RUN}/records/999/signal?start=0&end=10`);
  assert.equal(unknown.status, 404);
  assert.match(unknown.json.message, /no record "999"/);
});

test('unanalysable stretches overlapping the range come in seconds with their reason; others are left out', async () => {
  const inside = await http('GET', `/runs/${NOISY_RUN}/records/208/signal?start=100&end=110`);
  assert.deepEqual(inside.json.unanalysable, [{ startS: 101, endS: 102, reason: 'noise' }]);
  const outside = await http('GET', `/runs/${NOISY_RUN}/records/208/signal?start=200&end=210`);
  assert.deepEqual(outside.json.unanalysable, []);
});
