/**
 * Workers as an admin steers them, with three worker processes started separately against a
 * real coordinator, Redis and S3:
 *  - GET /admin/workers lists each with host, role, engine, concurrency and heartbeat;
 *  - PUT /admin/workers/concurrency changes a role's concurrency on the running processes
 *    (same pids, no restart) and a worker started afterwards takes the new value;
 *  - one worker SIGKILLed during a run drops out of /admin/workers within the heartbeat
 *    timeout, and the run completes on the other two (its jobs finish elsewhere).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { keys } from '@holterflow/contracts';
import { ObjectStore, storageEnvOf } from '@holterflow/storage';
import { connectTestRedis, type TestRedis } from './support/redis.js';
import { startS3rver, type S3rverHandle } from './support/s3rver.js';
import { spawnWorkerProcess, type WorkerProcess } from './support/worker-process.js';
import { ingestFixtures, saveSeedModel } from './support/run-fixtures.js';
import { startTestCoordinator } from './support/coordinator.js';
import { jsonClient, type Json } from './support/http.js';

let redis: TestRedis;
let s3: S3rverHandle;
let store: ObjectStore;
let app: INestApplication;
let base: string;
const workers: WorkerProcess[] = [];
const http = jsonClient(() => base);
const HEARTBEAT_TIMEOUT_S = 30;

function startWorker(): WorkerProcess {
  const w = spawnWorkerProcess({ ...storageEnvOf(s3.config), ...redis.env });
  workers.push(w);
  return w;
}

const logs = () => workers.map((w) => `--- worker ${w.child.pid}\n${w.log.slice(-3000)}`).join('\n');

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; worker logs:\n${logs()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function classifyWorkers(): Promise<Json[]> {
  const { status, json } = await http('GET', '/admin/workers');
  assert.equal(status, 200);
  return json.workers.filter((w: Json) => w.role === 'classify');
}

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  store = new ObjectStore(s3.config);
  await ingestFixtures(store, 'mitdb', ['100', '208', '232']);
  await saveSeedModel(store, 'seed-1');
  ({ app, base } = await startTestCoordinator(redis, s3));
});

after(async () => {
  for (const { child } of workers)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await app?.close();
  store?.destroy();
  await s3?.stop();
  await redis?.cleanup();
});

test('three workers: listed with their facts; concurrency changed without restart; a killed one drops out and its work finishes elsewhere', async () => {
  const [a, b] = [startWorker(), startWorker()];
  const twoUp = await waitFor(
    'two classify workers in /admin/workers',
    async () => {
      const live = await classifyWorkers();
      return live.length === 2 ? live : undefined;
    },
    90_000,
  );
  assert.deepEqual(twoUp.map((w) => w.pid).sort(), [a.child.pid, b.child.pid].sort());
  for (const w of twoUp) {
    assert.equal(w.concurrency, 1);
    assert.equal(w.engine, 'onnxruntime-node cpu');
    assert.equal(w.connected, true);
    assert.ok(Date.now() - Date.parse(w.lastHeartbeat) < HEARTBEAT_TIMEOUT_S * 1000);
    assert.equal(typeof w.host, 'string');
  }

  const change = await http('PUT', '/admin/workers/concurrency', { role: 'classify', concurrency: 2 });
  assert.equal(change.status, 200, JSON.stringify(change.json));
  assert.equal(change.json.notified, 2, 'both running workers heard it');
  await waitFor(
    'both workers to report concurrency 2',
    async () => ((await classifyWorkers()).every((w) => w.concurrency === 2) ? true : undefined),
    10_000,
  );
  for (const w of [a, b]) {
    assert.match(w.log, /classify: concurrency now 2/);
    assert.equal(w.child.exitCode, null, 'not restarted');
  }

  const c = startWorker();
  const three = await waitFor(
    'the third worker',
    async () => {
      const live = await classifyWorkers();
      return live.length === 3 ? live : undefined;
    },
    90_000,
  );
  assert.equal(
    three.find((w) => w.pid === c.child.pid).concurrency,
    2,
    'a worker started later takes the stored value',
  );
  // Its heartbeat can come before its start line reaches our end of the pipe.
  await waitFor(
    "the third worker's start line with concurrency 2",
    async () => (/classify \(concurrency 2\)/.test(c.log) ? true : undefined),
    10_000,
  );

  const run = await http('POST', '/runs', {
    prefix: 'mitdb',
    model: 'seed-1',
    options: { windowSeconds: 120 },
  });
  assert.equal(run.status, 202, JSON.stringify(run.json));
  const runId = run.json.runId;
  // beats/s is a rate over the last 30 s: watched while the run classifies (windows take a
  // fraction of a second, so by the time the run is complete the last ones may be older).
  const beatsSeen = waitFor(
    'a classify worker to report beats/s > 0',
    async () => {
      const live = await classifyWorkers();
      return live.some((w) => w.beatsPerSecond > 0) ? live : undefined;
    },
    240_000,
  );
  await waitFor(
    'a worker to have classified a window',
    async () => (/classify job \S+ completed/.test(a.log) ? true : undefined),
    120_000,
  );
  a.child.kill('SIGKILL');
  const killedAt = Date.now();
  await waitFor(
    'the killed worker to drop out of /admin/workers',
    async () => ((await classifyWorkers()).some((w) => w.pid === a.child.pid) ? undefined : true),
    (HEARTBEAT_TIMEOUT_S + 5) * 1000,
  );
  const goneAfter = (Date.now() - killedAt) / 1000;
  assert.ok(goneAfter <= HEARTBEAT_TIMEOUT_S + 1, `gone after ${goneAfter.toFixed(1)} s`);
  assert.deepEqual((await classifyWorkers()).map((w) => w.pid).sort(), [b.child.pid, c.child.pid].sort());

  const done = await waitFor(
    'the run to complete on the other workers',
    async () => {
      const s = await http('GET', `/runs/${runId}`);
      return s.json.state === 'completed' || s.json.state === 'failed' ? s.json : undefined;
    },
    240_000,
  );
  assert.equal(done.state, 'completed');
  assert.deepEqual(done.records, { total: 3, done: 3, failed: 0, running: 0, queued: 0 });
  for (const id of ['100', '208', '232']) assert.ok(await store.exists(keys.runRecordSummary(runId, id)));
  // Work went on after the kill on the two survivors.
  for (const w of [b, c]) assert.match(w.log, /classify job \S+ completed/);
  const beats = await beatsSeen;
  assert.ok(
    beats.some((w) => w.beatsPerSecond > 0),
    `beats/s reported: ${JSON.stringify(beats)}`,
  );
});
