/**
 * GET /models and PUT /models/default against a real S3 server and Redis: the listing with the
 * figures of each version's metrics.json, a broken version listed with its problem, validation,
 * 404 for an unknown version, and the new default deciding the model of the next run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { keys } from '@holterflow/contracts';
import { objectModelStore, resolveModelVersion } from '@holterflow/registry';
import { ObjectStore } from '@holterflow/storage';
import { connectTestRedis, type TestRedis } from '../../../test/support/redis.js';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';
import { jsonClient, type Json } from '../../../test/support/http.js';
import { ingestFixtures } from '../../../test/support/run-fixtures.js';
import { startTestCoordinator } from '../../../test/support/coordinator.js';

let redis: TestRedis;
let s3: S3rverHandle;
let store: ObjectStore;
let app: INestApplication;
let base: string;
const http = jsonClient(() => base);

/** A version as training publishes it, minus the weights (the registry never reads them). */
async function putVersion(version: string, metrics: object | string): Promise<void> {
  await store.put(
    keys.modelFile(version, 'metrics.json'),
    typeof metrics === 'string' ? metrics : JSON.stringify({ version, ...metrics }),
  );
  await store.put(keys.modelFile(version, 'model.json'), '{}');
}

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  store = new ObjectStore(s3.config);
  await putVersion('intra-1', {
    protocol: 'intra',
    complete: false,
    test: { accuracy: 0.9658, macroF1: 0.8665 },
    bestEpoch: 6,
    epochs: 6,
    plannedEpochs: 40,
    trainingSeconds: 3835.5,
  });
  await putVersion('inter-1', {
    protocol: 'inter',
    complete: true,
    test: { accuracy: 0.81, macroF1: 0.6 },
    epochs: 12,
  });
  await putVersion('garbled', 'not json');
  await store.put(keys.modelDefault(), 'intra-1\n');
  await ingestFixtures(store, 'mitdb', ['100']);
  ({ app, base } = await startTestCoordinator(redis, s3));
});

after(async () => {
  await app?.close();
  store?.destroy();
  await s3?.stop();
  await redis?.cleanup();
});

test('GET /models lists every version with its test figures; the broken one with its problem', async () => {
  const { status, json } = await http('GET', '/models');
  assert.equal(status, 200);
  assert.equal(json.defaultVersion, 'intra-1');
  assert.deepEqual(json.problems, []);
  assert.deepEqual(
    json.versions.map((v: Json) => [
      v.version,
      v.isDefault,
      v.usable,
      v.protocol,
      v.complete,
      v.epochs,
      v.accuracy,
      v.macroF1,
    ]),
    [
      ['garbled', false, true, null, null, null, null, null],
      ['inter-1', false, true, 'inter', true, 12, 0.81, 0.6],
      ['intra-1', true, true, 'intra', false, 6, 0.9658, 0.8665],
    ],
  );
  const intra = json.versions[2];
  assert.deepEqual([intra.bestEpoch, intra.plannedEpochs, intra.trainingSeconds], [6, 40, 3835.5]);
  assert.match(intra.lastModified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  assert.equal(json.versions[0].problems.length, 1);
  assert.match(
    json.versions[0].problems[0],
    /^s3:\/\/holterflow-test\/models\/garbled\/metrics\.json is unreadable/,
  );
});

test('PUT /models/default: 400 for a bad body, 404 naming an unknown version; the default stays', async () => {
  for (const body of [{}, { version: 3 }, { version: '../x' }, { version: 'inter-1', extra: true }]) {
    const bad = await http('PUT', '/models/default', body);
    assert.equal(bad.status, 400, JSON.stringify(body));
    assert.equal(bad.json.message, 'the request body is not valid');
  }
  const unknown = await http('PUT', '/models/default', { version: 'v404' });
  assert.equal(unknown.status, 404);
  assert.equal(
    unknown.json.message,
    'model version v404 does not exist: no s3://holterflow-test/models/v404/model.json',
  );
  assert.equal(await store.getText(keys.modelDefault()), 'intra-1\n');
});

test('PUT /models/default moves the default: the listing marks it and new runs resolve to it', async () => {
  const put = await http('PUT', '/models/default', { version: 'inter-1' });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  assert.deepEqual(put.json, { previous: 'intra-1', default: 'inter-1' });
  assert.equal(await store.getText(keys.modelDefault()), 'inter-1\n');
  assert.equal(await resolveModelVersion(objectModelStore(store)), 'inter-1');
  const run = await http('POST', '/runs', { prefix: 'mitdb' });
  assert.equal(run.status, 202, JSON.stringify(run.json));
  assert.equal(run.json.model, 'inter-1');
  const { json } = await http('GET', '/models');
  assert.equal(json.defaultVersion, 'inter-1');
  assert.deepEqual(
    json.versions.filter((v: Json) => v.isDefault).map((v: Json) => v.version),
    ['inter-1'],
  );
});

test('GET /docs-json documents the model endpoints with the body schema', async () => {
  const { json } = await http('GET', '/docs-json');
  assert.ok(json.paths['/models']?.get, '/models');
  const put = json.paths['/models/default']?.put;
  assert.ok(put, '/models/default');
  const schema = put.requestBody.content['application/json'].schema;
  assert.deepEqual(schema.required, ['version']);
  assert.equal(schema.properties.version.type, 'string');
  assert.deepEqual(Object.keys(put.responses).sort(), ['200', '400', '404']);
});
