/**
 * The coordinator's HTTP surface against real Redis (own key prefix) and a real S3 server:
 * health, OpenAPI, Bull Board, metrics, and the ingest endpoints without a worker running.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { QUEUES } from '@holterflow/contracts';
import { ObjectStore } from '@holterflow/storage';
import { createCoordinator } from '../src/app.js';
import type { CoordinatorConfig } from '../src/config.js';
import type { Health } from '../src/health/health.service.js';
import { connectTestRedis, type TestRedis } from '../../../test/support/redis.js';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';
import { TEST_ADMIN_KEY } from '../../../test/support/coordinator.js';

const auth = { bootstrapAdminKey: TEST_ADMIN_KEY };
const asAdmin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };

let redis: TestRedis;
let s3: S3rverHandle;
const apps: INestApplication[] = [];

async function start(config: CoordinatorConfig): Promise<string> {
  const app = await createCoordinator(config, { logger: false });
  apps.push(app);
  await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}

let base: string;

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  base = await start({ port: 0, redisUrl: redis.url, queuePrefix: redis.prefix, storage: s3.config, auth });
  const store = new ObjectStore(s3.config);
  try {
    await store.put('raw/night1.edf', new Uint8Array(256)); // only its existence is checked here
  } finally {
    store.destroy();
  }
});

after(async () => {
  for (const app of apps) await app.close();
  await s3?.stop();
  await redis?.cleanup();
});

test('GET /health: 200 with Redis and S3 reachable', async () => {
  const res = await fetch(`${base}/health`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as Health;
  assert.equal(body.ok, true);
  assert.equal(body.redis.ok, true);
  assert.equal(body.s3.ok, true);
  assert.equal(body.s3.bucket, s3.bucket);
});

test('GET /health: 503 naming S3 when S3 does not answer', async () => {
  const down = await start({
    port: 0,
    redisUrl: redis.url,
    queuePrefix: redis.prefix,
    auth,
    // A port nothing listens on (the s3rver one after a test stops it would race); one attempt.
    storage: {
      ...s3.config,
      endpoint: 'http://127.0.0.1:9',
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    },
  });
  const res = await fetch(`${down}/health`);
  assert.equal(res.status, 503);
  const body = (await res.json()) as Health;
  assert.equal(body.ok, false);
  assert.equal(body.redis.ok, true);
  assert.equal(body.s3.ok, false);
  assert.match(body.s3.error ?? '', /ECONNREFUSED/);
});

test('GET /docs-json: the OpenAPI document lists the endpoints, with the ingest body schema', async () => {
  const res = await fetch(`${base}/docs-json`);
  assert.equal(res.status, 200);
  const doc = (await res.json()) as {
    openapi: string;
    paths: Record<
      string,
      { post?: { requestBody: { content: Record<string, { schema: { required: string[] } }> } } }
    >;
  };
  assert.match(doc.openapi, /^3\./);
  for (const path of ['/admin/workers', '/health', '/ingest', '/ingest/{jobId}', '/metrics'])
    assert.ok(path in doc.paths, `${path} is documented`);
  const schema = doc.paths['/ingest'].post!.requestBody.content['application/json'].schema;
  assert.deepEqual(schema.required.sort(), ['records', 'to']);
  for (const path of ['/training', '/training/{version}', '/training/{version}/cancel'])
    assert.ok(path in doc.paths, `${path} is documented`);
  // The bucket defaults to the coordinator's, so it is not required.
  const training = doc.paths['/training'].post!.requestBody.content['application/json'].schema;
  assert.deepEqual(training.required.sort(), ['dataKey', 'protocol', 'version']);
  const ui = await fetch(`${base}/docs`);
  assert.equal(ui.status, 200);
  assert.match(await ui.text(), /swagger-ui/);
});

test('GET /admin/queues: Bull Board asks a browser to sign in, then serves its page and every queue', async () => {
  const anonymous = await fetch(`${base}/admin/queues`);
  assert.equal(anonymous.status, 401);
  assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic realm="HolterFlow admin"/);
  // What a browser sends after its login prompt: any user name, the admin key as the password.
  const basic = { authorization: `Basic ${Buffer.from(`admin:${TEST_ADMIN_KEY}`).toString('base64')}` };
  const wrong = { authorization: `Basic ${Buffer.from('admin:not-a-key').toString('base64')}` };
  assert.equal((await fetch(`${base}/admin/queues`, { headers: wrong })).status, 401);
  const page = await fetch(`${base}/admin/queues`, { headers: basic });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<title>HolterFlow<\/title>/);
  assert.equal((await fetch(`${base}/admin/queues/api/queues`)).status, 401);
  const api = await fetch(`${base}/admin/queues/api/queues`, { headers: basic });
  assert.equal(api.status, 200);
  const { queues } = (await api.json()) as { queues: { name: string }[] };
  assert.deepEqual(queues.map((q) => q.name).sort(), Object.values(QUEUES).sort());
});

test('POST /ingest without a worker: jobs wait, are deduplicated by id, counted in /metrics', async () => {
  const body = {
    to: 'recordings/',
    records: [{ source: { format: 'edf', file: 'raw/night1.edf' } }],
  };
  const post = () =>
    fetch(`${base}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asAdmin },
      body: JSON.stringify(body),
    });
  const first = await post();
  assert.equal(first.status, 202);
  const jobId = `ingest:${s3.bucket}/recordings:night1`;
  assert.deepEqual(await first.json(), { jobs: [{ recordId: 'night1', jobId, outcome: 'queued' }] });
  const again = await post();
  assert.deepEqual(await again.json(), { jobs: [{ recordId: 'night1', jobId, outcome: 'already-queued' }] });

  const status = await fetch(`${base}/ingest/${encodeURIComponent(jobId)}`, { headers: asAdmin });
  assert.equal(status.status, 200);
  assert.deepEqual(await status.json(), {
    jobId,
    recordId: 'night1',
    state: 'waiting',
    progress: 0,
    attemptsMade: 0,
  });
  assert.equal(
    (await fetch(`${base}/ingest/${encodeURIComponent('ingest:nope:x')}`, { headers: asAdmin })).status,
    404,
  );

  const metrics = await fetch(`${base}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
  const text = await metrics.text();
  assert.match(text, /holterflow_queue_jobs\{queue="ingest",state="waiting"\} 1\n/);
  for (const queue of Object.values(QUEUES))
    for (const state of ['waiting', 'active', 'delayed', 'completed', 'failed'])
      assert.match(text, new RegExp(`holterflow_queue_jobs\\{queue="${queue}",state="${state}"\\} \\d+\\n`));
});

test('POST /ingest naming raw objects that do not exist: 422 listing them, nothing queued', async () => {
  const res = await fetch(`${base}/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...asAdmin },
    body: JSON.stringify({
      to: 'recordings',
      records: [
        { source: { format: 'edf', file: 'raw/night1.edf' } },
        { source: { format: 'wfdb', header: 'raw/typo/100.hea', data: ['raw/typo/100.dat'] } },
      ],
    }),
  });
  assert.equal(res.status, 422);
  const body = (await res.json()) as { message: string; missing: string[] };
  assert.equal(body.message, `2 raw object(s) do not exist in bucket ${s3.bucket}; nothing was queued`);
  assert.deepEqual(body.missing, ['raw/typo/100.hea', 'raw/typo/100.dat']);
  const typo = await fetch(`${base}/ingest/${encodeURIComponent(`ingest:${s3.bucket}/recordings:100`)}`, {
    headers: asAdmin,
  });
  assert.equal(typo.status, 404);
});
