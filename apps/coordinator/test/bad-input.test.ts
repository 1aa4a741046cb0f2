/**
 * Bad input on every route of the coordinator, as an admin (so access is never the reason):
 * wrong types, unknown fields, traversal in every id and key field, a bucket in the body,
 * huge and malformed bodies. Each must be a 4xx with a message saying what is wrong (the field
 * where there is one), never a 500, and nothing may be planned or queued. Every route the app
 * serves with a parameter or a body must have cases here (found from the app's router).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QUEUES } from '@holterflow/contracts';
import { ObjectStore } from '@holterflow/storage';
import { connectTestRedis, type TestRedis } from '../../../test/support/redis.js';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';
import { ingestFixtures, saveSeedModel } from '../../../test/support/run-fixtures.js';
import { jsonClient, type Json, type Method } from '../../../test/support/http.js';
import { startTestCoordinator, TEST_ADMIN_KEY } from '../../../test/support/coordinator.js';
import { appRoutes } from '../../../test/support/routes.js';

let redis: TestRedis;
let s3: S3rverHandle;
let store: ObjectStore;
let app: INestApplication;
let base: string;
const http = jsonClient(() => base);

interface Case {
  route: string;
  what: string;
  path: string;
  body?: unknown;
  /** A raw body sent as is (malformed JSON, huge bodies). */
  raw?: string;
  status: number;
  /** The field the answer must name, or a pattern its message must match. */
  field?: string;
  message?: RegExp;
}

const TRAVERSALS = ['../', 'a/../b', '/abs', 'a//b', './x'];
/** A valid POST /training body (its dataset exists); each case spoils one field. */
const TRAINING = { dataKey: 'datasets/beats.parquet', protocol: 'intra', version: 'bad-input-v1', epochs: 2 };
const enc = encodeURIComponent;

const CASES: Case[] = [
  // POST /runs
  {
    route: 'POST /runs',
    what: 'prefix of the wrong type',
    path: '/runs',
    body: { prefix: 5 },
    status: 400,
    field: 'prefix',
  },
  {
    route: 'POST /runs',
    what: 'an unknown field',
    path: '/runs',
    body: { prefix: 'mitdb', colour: 'red' },
    status: 400,
    message: /colour/,
  },
  {
    route: 'POST /runs',
    what: 'an unknown option',
    path: '/runs',
    body: { prefix: 'mitdb', options: { turbo: true } },
    status: 400,
    message: /turbo/,
  },
  {
    route: 'POST /runs',
    what: 'windowSeconds as text',
    path: '/runs',
    body: { prefix: 'mitdb', options: { windowSeconds: 'x' } },
    status: 400,
    field: 'options.windowSeconds',
  },
  ...TRAVERSALS.map((p): Case => ({
    route: 'POST /runs',
    what: `prefix ${p}`,
    path: '/runs',
    body: { prefix: p },
    status: 400,
    field: 'prefix',
  })),
  ...['a/../b/100.parquet', '/mitdb/100.parquet', 'mitdb//100.parquet', 'mitdb/', ''].map((k): Case => ({
    route: 'POST /runs',
    what: `recording key ${JSON.stringify(k)}`,
    path: '/runs',
    body: { recordings: [k] },
    status: 400,
    field: 'recordings.0',
  })),
  {
    route: 'POST /runs',
    what: 'a model id with ..',
    path: '/runs',
    body: { prefix: 'mitdb', model: '../seed-1' },
    status: 400,
    field: 'model',
  },
  {
    route: 'POST /runs',
    what: 'a run id with /',
    path: '/runs',
    body: { prefix: 'mitdb', runId: 'a/b' },
    status: 400,
    field: 'runId',
  },
  {
    route: 'POST /runs',
    what: 'another bucket',
    path: '/runs',
    body: { bucket: 'someone-elses', prefix: 'mitdb' },
    status: 400,
    field: 'bucket',
  },
  {
    route: 'POST /runs',
    what: 'a bucket of the wrong type',
    path: '/runs',
    body: { bucket: 7, prefix: 'mitdb' },
    status: 400,
    field: 'bucket',
  },
  {
    route: 'POST /runs',
    what: 'an array body',
    path: '/runs',
    body: [],
    status: 400,
    message: /JSON object/,
  },
  { route: 'POST /runs', what: 'malformed JSON', path: '/runs', raw: '{"prefix": ', status: 400 },
  {
    route: 'POST /runs',
    what: 'a 9 MB body',
    path: '/runs',
    raw: JSON.stringify({ recordings: Array.from({ length: 500_000 }, (_, i) => `mitdb/r${i}.parquet`) }),
    status: 413,
  },
  {
    route: 'POST /runs',
    what: 'only recordings that cannot be planned',
    path: '/runs',
    body: { recordings: ['mitdb/none.parquet', 'mitdb/100.beats.parquet'], model: 'seed-1' },
    status: 422,
    message: /all 2 recording\(s\) were rejected; nothing was planned/,
  },
  // POST /ingest
  {
    route: 'POST /ingest',
    what: 'no records',
    path: '/ingest',
    body: { to: 'rec', records: [] },
    status: 400,
    field: 'records',
  },
  {
    route: 'POST /ingest',
    what: 'an unknown field',
    path: '/ingest',
    body: { to: 'rec', records: [{ source: { format: 'edf', file: 'raw/a.edf' } }], priority: 1 },
    status: 400,
    message: /priority/,
  },
  {
    route: 'POST /ingest',
    what: 'an unknown source field',
    path: '/ingest',
    body: { to: 'rec', records: [{ source: { format: 'edf', file: 'raw/a.edf', url: 'http://x' } }] },
    status: 400,
    message: /url/,
  },
  ...TRAVERSALS.map((p): Case => ({
    route: 'POST /ingest',
    what: `to ${p}`,
    path: '/ingest',
    body: { to: p, records: [{ source: { format: 'edf', file: 'raw/a.edf' } }] },
    status: 400,
    field: 'to',
  })),
  ...TRAVERSALS.map((k): Case => ({
    route: 'POST /ingest',
    what: `EDF file ${k}`,
    path: '/ingest',
    body: { to: 'rec', records: [{ source: { format: 'edf', file: k } }] },
    status: 400,
    field: 'records.0.source.file',
  })),
  {
    route: 'POST /ingest',
    what: 'a WFDB header with ..',
    path: '/ingest',
    body: {
      to: 'rec',
      records: [{ source: { format: 'wfdb', header: '../100.hea', data: ['raw/100.dat'] } }],
    },
    status: 400,
    field: 'records.0.source.header',
  },
  {
    route: 'POST /ingest',
    what: 'a WFDB data key with //',
    path: '/ingest',
    body: {
      to: 'rec',
      records: [{ source: { format: 'wfdb', header: 'raw/100.hea', data: ['raw//100.dat'] } }],
    },
    status: 400,
    field: 'records.0.source.data.0',
  },
  {
    route: 'POST /ingest',
    what: 'annotations with ..',
    path: '/ingest',
    body: {
      to: 'rec',
      records: [
        {
          source: {
            format: 'wfdb',
            header: 'raw/100.hea',
            data: ['raw/100.dat'],
            annotations: 'raw/../../100.atr',
          },
        },
      ],
    },
    status: 400,
    field: 'records.0.source.annotations',
  },
  {
    route: 'POST /ingest',
    what: 'a record id with /',
    path: '/ingest',
    body: { to: 'rec', records: [{ recordId: '../100', source: { format: 'edf', file: 'raw/a.edf' } }] },
    status: 400,
    message: /records\[0\] \(\.\.\/100\) cannot be ingested.*recordId: record ids are/,
  },
  {
    route: 'POST /ingest',
    what: 'another bucket',
    path: '/ingest',
    body: { bucket: 'someone-elses', to: 'rec', records: [{ source: { format: 'edf', file: 'raw/a.edf' } }] },
    status: 400,
    field: 'bucket',
  },
  {
    route: 'POST /ingest',
    what: 'an unknown format',
    path: '/ingest',
    body: { to: 'rec', records: [{ source: { format: 'dicom', file: 'raw/a.dcm' } }] },
    status: 400,
    field: 'records.0.source.format',
  },
  { route: 'POST /ingest', what: 'a string body', path: '/ingest', body: 'hello', status: 400 },
  {
    route: 'POST /ingest',
    what: 'a 9 MB body',
    path: '/ingest',
    raw: JSON.stringify({ to: 'x'.repeat(9 * 1024 * 1024) }),
    status: 413,
  },
  // GET /ingest/:jobId
  {
    route: 'GET /ingest/:jobId',
    what: 'a traversal id',
    path: `/ingest/${enc('../../etc/passwd')}`,
    status: 404,
    message: /no ingest job/,
  },
  // GET /runs
  { route: 'GET /runs', what: 'limit out of range', path: '/runs?limit=100000', status: 400, field: 'limit' },
  { route: 'GET /runs', what: 'offset as text', path: '/runs?offset=abc', status: 400, field: 'offset' },
  {
    route: 'GET /runs',
    what: 'an unknown query parameter',
    path: '/runs?bucket=someone-elses',
    status: 400,
    message: /bucket/,
  },
  // /runs/:runId...
  // A bare '..' never arrives: the URL is normalised before the request is sent (WHATWG URL).
  ...['../x', '.hidden', 'a b', '..%2F..'].flatMap((id): Case[] => [
    {
      route: 'GET /runs/:runId',
      what: `run id ${id}`,
      path: `/runs/${enc(id)}`,
      status: 400,
      field: 'runId',
    },
    {
      route: 'GET /runs/:runId/records',
      what: `run id ${id}`,
      path: `/runs/${enc(id)}/records`,
      status: 400,
      field: 'runId',
    },
    {
      route: 'POST /runs/:runId/cancel',
      what: `run id ${id}`,
      path: `/runs/${enc(id)}/cancel`,
      status: 400,
      field: 'runId',
    },
    {
      route: 'POST /runs/:runId/retry-failed',
      what: `run id ${id}`,
      path: `/runs/${enc(id)}/retry-failed`,
      status: 400,
      field: 'runId',
    },
  ]),
  // The analyst downloads: run and record ids become S3 keys.
  ...['../x', '.hidden', 'a b', '..%2F..'].flatMap((id): Case[] => [
    {
      route: 'GET /runs/:runId/summary.csv',
      what: `run id ${id}`,
      path: `/runs/${enc(id)}/summary.csv`,
      status: 400,
      field: 'runId',
    },
    {
      route: 'GET /runs/:runId/summary.parquet',
      what: `run id ${id}`,
      path: `/runs/${enc(id)}/summary.parquet`,
      status: 400,
      field: 'runId',
    },
    ...(['summary', 'report', 'report.pdf', 'beats', 'signal?start=0&end=10'] as const).flatMap(
      (what): Case[] => [
        {
          route: `GET /runs/:runId/records/:recordId/${what.split('?')[0]}`,
          what: `run id ${id}`,
          path: `/runs/${enc(id)}/records/100/${what}`,
          status: 400,
          field: 'runId',
        },
        {
          route: `GET /runs/:runId/records/:recordId/${what.split('?')[0]}`,
          what: `record id ${id}`,
          path: `/runs/some-run/records/${enc(id)}/${what}`,
          status: 400,
          field: 'recordId',
        },
      ],
    ),
  ]),
  {
    route: 'GET /runs/:runId/records/:recordId/beats',
    what: 'an unknown class',
    path: '/runs/some-run/records/100/beats?class=Z',
    status: 400,
    message: /unknown class Z/,
  },
  {
    route: 'GET /runs/:runId/records/:recordId/beats',
    what: 'a time range as text',
    path: '/runs/some-run/records/100/beats?from=soon',
    status: 400,
    field: 'from',
  },
  {
    route: 'GET /runs/:runId/records/:recordId/beats',
    what: 'an unknown format',
    path: '/runs/some-run/records/100/beats?format=xlsx',
    status: 400,
    field: 'format',
  },
  {
    route: 'GET /runs/:runId/records/:recordId/signal',
    what: 'no start',
    path: '/runs/some-run/records/100/signal?end=10',
    status: 400,
    field: 'start',
  },
  {
    route: 'GET /runs/:runId/records/:recordId/signal',
    what: 'end before start',
    path: '/runs/some-run/records/100/signal?start=20&end=10',
    status: 400,
    field: 'end',
  },
  {
    route: 'GET /runs/:runId/records/:recordId/signal',
    what: 'more than half an hour',
    path: '/runs/some-run/records/100/signal?start=0&end=7200',
    status: 400,
    field: 'end',
  },
  {
    route: 'GET /runs/:runId/records/:recordId/signal',
    what: 'maxPoints as text',
    path: '/runs/some-run/records/100/signal?start=0&end=10&maxPoints=lots',
    status: 400,
    field: 'maxPoints',
  },
  // Sign-in and sign-out
  { route: 'POST /session', what: 'no key', path: '/session', body: {}, status: 400, field: 'key' },
  {
    route: 'POST /session',
    what: 'a key that is a number',
    path: '/session',
    body: { key: 5 },
    status: 400,
    field: 'key',
  },
  {
    route: 'POST /session',
    what: 'an unknown field',
    path: '/session',
    body: { key: 'k', role: 'admin' },
    status: 400,
    message: /role/,
  },
  {
    route: 'POST /session',
    what: 'a key nobody issued',
    path: '/session',
    body: { key: 'hf_000000000000_x' },
    status: 401,
    message: /unknown or revoked/,
  },
  { route: 'POST /session', what: 'malformed JSON', path: '/session', raw: '{"key": ', status: 400 },
  { route: 'DELETE /session', what: 'malformed JSON', path: '/session', raw: '{"x', status: 400 },
  {
    route: 'GET /runs/:runId/records',
    what: 'an unknown state',
    path: '/runs/some-run/records?state=exploded',
    status: 400,
    field: 'state',
  },
  {
    route: 'GET /runs/:runId',
    what: 'an unknown run',
    path: '/runs/no-such-run',
    status: 404,
    message: /no run/,
  },
  // PUT /models/default
  {
    route: 'PUT /models/default',
    what: 'a version with ..',
    path: '/models/default',
    body: { version: '../seed-1' },
    status: 400,
    field: 'version',
  },
  {
    route: 'PUT /models/default',
    what: 'a version of the wrong type',
    path: '/models/default',
    body: { version: 1 },
    status: 400,
    field: 'version',
  },
  {
    route: 'PUT /models/default',
    what: 'an unknown field',
    path: '/models/default',
    body: { version: 'seed-1', bucket: 'x' },
    status: 400,
    message: /bucket/,
  },
  {
    route: 'PUT /models/default',
    what: 'an unknown version',
    path: '/models/default',
    body: { version: 'nope' },
    status: 404,
  },
  // /queues and /admin/workers
  ...['pause', 'resume', 'drain', 'retry-failed', 'clean-failed'].map((action): Case => ({
    route: `POST /queues/:name/${action}`,
    what: 'an unknown queue',
    path: `/queues/${enc('../classify')}/${action}`,
    status: 404,
    message: /no queue \\"\.\.\/classify\\"; queues: ingest, classify/,
  })),
  {
    route: 'PUT /admin/workers/concurrency',
    what: 'an unknown role',
    path: '/admin/workers/concurrency',
    body: { role: 'gpu', concurrency: 2 },
    status: 400,
    field: 'role',
  },
  {
    route: 'PUT /admin/workers/concurrency',
    what: 'concurrency 0',
    path: '/admin/workers/concurrency',
    body: { role: 'classify', concurrency: 0 },
    status: 400,
    field: 'concurrency',
  },
  {
    route: 'PUT /admin/workers/concurrency',
    what: 'concurrency as text',
    path: '/admin/workers/concurrency',
    body: { role: 'classify', concurrency: '2' },
    status: 400,
    field: 'concurrency',
  },
  {
    route: 'PUT /admin/workers/concurrency',
    what: 'an unknown field',
    path: '/admin/workers/concurrency',
    body: { role: 'classify', concurrency: 2, host: 'x' },
    status: 400,
    message: /host/,
  },
  // /admin/keys
  {
    route: 'POST /admin/keys',
    what: 'an unknown role',
    path: '/admin/keys',
    body: { role: 'root' },
    status: 400,
    field: 'role',
  },
  {
    route: 'POST /admin/keys',
    what: 'an unknown field',
    path: '/admin/keys',
    body: { role: 'analyst', secret: 'mine' },
    status: 400,
    message: /secret/,
  },
  {
    route: 'POST /admin/keys',
    what: 'a name of the wrong type',
    path: '/admin/keys',
    body: { role: 'analyst', name: {} },
    status: 400,
    field: 'name',
  },
  {
    route: 'POST /admin/keys/:keyId/revoke',
    what: 'a traversal id',
    path: `/admin/keys/${enc('../x')}/revoke`,
    status: 404,
    message: /no API key/,
  },
  // /training
  ...TRAVERSALS.map((k): Case => ({
    route: 'POST /training',
    what: `dataset key ${k}`,
    path: '/training',
    body: { ...TRAINING, dataKey: k },
    status: 400,
    field: 'dataKey',
  })),
  {
    route: 'POST /training',
    what: 'no dataset key',
    path: '/training',
    body: { protocol: 'intra', version: 'v1' },
    status: 400,
    field: 'dataKey',
  },
  {
    route: 'POST /training',
    what: 'another bucket',
    path: '/training',
    body: { ...TRAINING, bucket: 'someone-elses' },
    status: 400,
    field: 'bucket',
  },
  {
    route: 'POST /training',
    what: 'an unknown protocol',
    path: '/training',
    body: { ...TRAINING, protocol: 'cross' },
    status: 400,
    field: 'protocol',
  },
  {
    route: 'POST /training',
    what: 'a version with ..',
    path: '/training',
    body: { ...TRAINING, version: '../seed-1' },
    status: 400,
    field: 'version',
  },
  {
    route: 'POST /training',
    what: 'epochs 0',
    path: '/training',
    body: { ...TRAINING, epochs: 0 },
    status: 400,
    field: 'epochs',
  },
  {
    route: 'POST /training',
    what: 'epochs as text',
    path: '/training',
    body: { ...TRAINING, epochs: '5' },
    status: 400,
    field: 'epochs',
  },
  {
    route: 'POST /training',
    what: 'a seed that is not an integer',
    path: '/training',
    body: { ...TRAINING, seed: 1.5 },
    status: 400,
    field: 'seed',
  },
  {
    route: 'POST /training',
    what: 'an unknown field',
    path: '/training',
    body: { ...TRAINING, gpu: true },
    status: 400,
    message: /gpu/,
  },
  {
    route: 'POST /training',
    what: 'an array body',
    path: '/training',
    body: [],
    status: 400,
    message: /JSON object/,
  },
  {
    route: 'POST /training',
    what: 'a dataset that does not exist',
    path: '/training',
    body: { ...TRAINING, dataKey: 'datasets/none.parquet' },
    status: 422,
    field: 'dataKey',
  },
  {
    route: 'POST /training',
    what: 'the version of an existing model (seed-1, not made by a training job)',
    path: '/training',
    body: { ...TRAINING, version: 'seed-1' },
    status: 409,
    message: /model version seed-1 exists .* not written by a training job/,
  },
  {
    route: 'GET /training',
    what: 'limit out of range',
    path: '/training?limit=0',
    status: 400,
    field: 'limit',
  },
  {
    route: 'GET /training',
    what: 'an unknown state',
    path: '/training?state=exploded',
    status: 400,
    field: 'state',
  },
  {
    route: 'GET /training',
    what: 'an unknown query parameter',
    path: '/training?bucket=someone-elses',
    status: 400,
    message: /bucket/,
  },
  ...['../x', '.hidden', 'a b', '..%2F..'].flatMap((id): Case[] => [
    {
      route: 'GET /training/:version',
      what: `version ${id}`,
      path: `/training/${enc(id)}`,
      status: 400,
      field: 'version',
    },
    {
      route: 'POST /training/:version/cancel',
      what: `version ${id}`,
      path: `/training/${enc(id)}/cancel`,
      status: 400,
      field: 'version',
    },
  ]),
  {
    route: 'GET /training/:version',
    what: 'an unknown version',
    path: '/training/no-such-version',
    status: 404,
    message: /no training job train-no-such-version/,
  },
  {
    route: 'POST /training/:version/cancel',
    what: 'an unknown version',
    path: '/training/no-such-version/cancel',
    status: 404,
    message: /no training job train-no-such-version/,
  },
  {
    route: 'POST /training/:version/cancel',
    what: 'a timeout as text',
    path: '/training/no-such-version/cancel',
    body: { timeoutSeconds: 'soon' },
    status: 400,
    field: 'timeoutSeconds',
  },
  {
    route: 'POST /training/:version/cancel',
    what: 'a timeout of an hour',
    path: '/training/no-such-version/cancel',
    body: { timeoutSeconds: 3600 },
    status: 400,
    field: 'timeoutSeconds',
  },
  {
    route: 'POST /training/:version/cancel',
    what: 'an unknown field',
    path: '/training/no-such-version/cancel',
    body: { force: true },
    status: 400,
    message: /force/,
  },
];

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  store = new ObjectStore(s3.config);
  await ingestFixtures(store, 'mitdb', ['100']);
  await saveSeedModel(store, 'seed-1');
  await store.put(TRAINING.dataKey, new Uint8Array(64));
  ({ app, base } = await startTestCoordinator(redis, s3));
});

after(async () => {
  await app?.close();
  store?.destroy();
  await s3?.stop();
  await redis?.cleanup();
});

async function send(c: Case): Promise<{ status: number; json: Json }> {
  const method = c.route.split(' ')[0] as Method;
  if (c.raw === undefined) return http(method, c.path, c.body);
  const res = await fetch(base + c.path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
    body: c.raw,
  });
  const text = await res.text();
  let json: Json = text;
  try {
    json = JSON.parse(text);
  } catch {
    // kept as text: the assertion shows it
  }
  return { status: res.status, json };
}

test('bad input on every route: a 4xx naming the field or the problem, never a 500', async () => {
  const failures: string[] = [];
  for (const c of CASES) {
    const { status, json } = await send(c);
    const text = JSON.stringify(json);
    const label = `${c.route} with ${c.what}: ${status} ${text.slice(0, 300)}`;
    if (status !== c.status) failures.push(`expected ${c.status}; ${label}`);
    else if (c.field && !(json?.problems ?? []).some((p: Json) => p.field === c.field))
      failures.push(`no problem for field ${c.field}; ${label}`);
    else if (c.message && !c.message.test(text))
      failures.push(`message does not match ${c.message}; ${label}`);
    else if (typeof json !== 'object' || typeof json?.message !== 'string' || json.message.length < 5)
      failures.push(`no message; ${label}`);
  }
  assert.deepEqual(failures, []);
});

test('every route with a parameter or a body has bad-input cases here', () => {
  const covered = new Set(CASES.map((c) => c.route));
  const needing = appRoutes(app)
    .filter((r) => !r.path.startsWith('/docs'))
    .filter((r) => r.path.includes(':') || r.method !== 'GET' || r.path === '/runs')
    .map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(
    needing.filter((r) => !covered.has(r)),
    [],
  );
});

test('POST /training naming an allowed bucket that does not exist: 422 naming the bucket', async () => {
  const second = await startTestCoordinator(redis, s3, {
    allowedBuckets: [s3.config.bucket, 'absent-bucket'],
  });
  try {
    const res = await jsonClient(() => second.base)('POST', '/training', {
      ...TRAINING,
      bucket: 'absent-bucket',
    });
    assert.equal(res.status, 422, JSON.stringify(res.json));
    assert.match(
      res.json.message,
      /^bucket absent-bucket does not exist at http:\/\/127\.0\.0\.1:\d+; nothing was queued$/,
    );
    assert.equal(res.json.problems[0].field, 'bucket');
  } finally {
    await second.app.close();
  }
});

test('after all of it nothing was planned or queued', async () => {
  const runObjects: string[] = [];
  for await (const o of store.list('runs/')) runObjects.push(o.key);
  assert.deepEqual(runObjects, []);
  for (const name of Object.values(QUEUES)) {
    const queue = new Queue(name, { connection: redis.newConnection(), prefix: redis.prefix });
    try {
      const counts = await queue.getJobCounts(
        'waiting',
        'waiting-children',
        'active',
        'delayed',
        'prioritized',
        'completed',
        'failed',
      );
      assert.equal(
        Object.values(counts).reduce((a, b) => a + b, 0),
        0,
        `${name}: ${JSON.stringify(counts)}`,
      );
    } finally {
      await queue.close();
    }
  }
});
