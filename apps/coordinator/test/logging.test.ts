/**
 * The coordinator's logs as an operator's log pipeline sees them: JSON lines, the request id
 * (the caller's X-Request-Id, or one made up and sent back) on every line written while a
 * request is handled, including the services' own lines; the key id, never the key; no body.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { ObjectStore } from '@holterflow/storage';
import { createCoordinator } from '../src/app.js';
import { connectTestRedis, type TestRedis } from '../../../test/support/redis.js';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';
import { ingestFixtures, saveSeedModel } from '../../../test/support/run-fixtures.js';
import { jsonClient, type Json } from '../../../test/support/http.js';
import { TEST_ADMIN_KEY } from '../../../test/support/coordinator.js';

let redis: TestRedis;
let s3: S3rverHandle;
let app: INestApplication;
let base: string;
const lines: string[] = [];

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  const store = new ObjectStore(s3.config);
  await ingestFixtures(store, 'mitdb', ['100']);
  await saveSeedModel(store, 'seed-1');
  store.destroy();
  app = await createCoordinator(
    {
      port: 0,
      redisUrl: redis.url,
      queuePrefix: redis.prefix,
      storage: s3.config,
      auth: { bootstrapAdminKey: TEST_ADMIN_KEY },
    },
    {
      logLevel: 'info',
      logStream: { write: (line: string) => void lines.push(...line.trimEnd().split('\n')) },
    },
  );
  await app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
});

after(async () => {
  await app?.close();
  await s3?.stop();
  await redis?.cleanup();
});

const parsed = (): Json[] => lines.map((l) => JSON.parse(l));

test('every log line is JSON; lines of a request carry its id, the services own lines too', async () => {
  const res = await fetch(`${base}/runs`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${TEST_ADMIN_KEY}`,
      'x-request-id': 'trace-42',
    },
    body: JSON.stringify({ recordings: ['mitdb/100.parquet'], model: 'seed-1' }),
  });
  assert.equal(res.status, 202);
  assert.equal(res.headers.get('x-request-id'), 'trace-42');
  await new Promise((r) => setTimeout(r, 100)); // the request line is written when the response ends
  const ofRequest = parsed().filter((l) => l.req?.id === 'trace-42');
  const planned = ofRequest.find((l) => /run \S+ planned: 1 records/.test(l.msg));
  assert.ok(planned, `the planner's line carries the request id: ${JSON.stringify(ofRequest)}`);
  const completed = ofRequest.find((l) => l.msg === 'request completed');
  assert.ok(completed);
  assert.equal(completed.res.statusCode, 202);
  assert.equal(completed.keyId, 'bootstrap');
  assert.deepEqual(Object.keys(completed.req).sort(), ['id', 'method', 'url']);
});

test('a request without an id gets one; a made-up id with odd characters is replaced', async () => {
  const anon = await jsonClient(() => base, null)('GET', '/runs');
  assert.equal(anon.status, 401);
  const odd = await fetch(`${base}/runs`, { headers: { 'x-request-id': 'a b\u00e9<script>' } });
  const id = odd.headers.get('x-request-id') ?? '';
  assert.match(id, /^[0-9a-f-]{36}$/);
  await new Promise((r) => setTimeout(r, 100));
  const line = parsed().find((l) => l.req?.id === id);
  assert.equal(line?.level, 40, 'a 401 is logged as a warning');
});

test('no key, authorization header or request body ever reaches the logs', () => {
  const all = lines.join('\n');
  assert.ok(lines.length > 3);
  assert.ok(!all.includes(TEST_ADMIN_KEY), 'the API key is not logged');
  assert.ok(!/authorization/i.test(all), 'no authorization header is logged');
  assert.ok(!all.includes('"recordings"'), 'request bodies are not logged');
});
