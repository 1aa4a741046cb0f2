/**
 * The ingest queue end to end: the coordinator (in-process, free port) takes POST /ingest for raw
 * WFDB objects on a real S3 server, a real worker process (`node --import tsx
 * apps/worker/src/main.ts`, HOLTERFLOW_ROLES=ingest) converts them, bad input fails without
 * retries, and SIGTERM during a job lets the job finish and the process exit 0.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { readRecordingMeta, readWfdbRecord } from '@holterflow/formats';
import { ObjectStore, storageEnvOf } from '@holterflow/storage';
import { connectTestRedis, type TestRedis } from './support/redis.js';
import { startS3rver, type S3rverHandle } from './support/s3rver.js';
import { jsonClient } from './support/http.js';
import { startTestCoordinator } from './support/coordinator.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/mitdb');

let redis: TestRedis;
let s3: S3rverHandle;
let store: ObjectStore;
let app: INestApplication;
let base: string;
let worker: ChildProcess;
let workerLog = '';
const extraWorkers: ChildProcess[] = [];

/** Record 100 repeated `times` over (a longer job), with its header's sample count and checksums. */
function repeated100(times: number): { hea: string; dat: Uint8Array } {
  const dat = readFileSync(join(FIXTURES, '100.dat'));
  const hea = readFileSync(join(FIXTURES, '100.hea'), 'latin1')
    .replace(/^100 2 360 650000/, `long100 2 360 ${650000 * times}`)
    .replace(/^100\.dat (\S+ \S+ \S+ \S+ \S+) (-?\d+)/gm, (_m, mid: string, sum: string) => {
      // WFDB checksum: the 16-bit two's complement sum of all samples of the signal.
      const total = (Number(sum) * times) & 0xffff;
      return `long100.dat ${mid} ${total > 0x7fff ? total - 0x10000 : total}`;
    });
  const out = new Uint8Array(dat.byteLength * times);
  for (let k = 0; k < times; k++) out.set(dat, k * dat.byteLength);
  return { hea, dat: out };
}

/** Response bodies are asserted field by field below; typing each endpoint here would only restate them. */

const http = jsonClient(() => base);

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; worker log:\n${workerLog}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A worker process on this test's Redis prefix and S3 server, started once it says which roles run. */
async function startWorker(
  env: Record<string, string>,
  onOutput: (chunk: string) => void,
): Promise<{ child: ChildProcess; log: () => string }> {
  let log = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...storageEnvOf(s3.config),
      ...redis.env,
      HOLTERFLOW_ROLES: 'ingest',
      NO_COLOR: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (c: string) => {
    log += c;
    onOutput(c);
  };
  child.stdout!.setEncoding('utf8').on('data', collect);
  child.stderr!.setEncoding('utf8').on('data', collect);
  await waitFor('a worker to start', async () => {
    if (child.exitCode !== null) throw new Error(`the worker exited with code ${child.exitCode}:\n${log}`);
    return /running roles: ingest/.test(log) ? true : undefined;
  });
  return { child, log: () => log };
}

const jobState = (jobId: string, states: string[]) =>
  waitFor(`job ${jobId} in ${states.join('/')}`, async () => {
    const { json } = await http('GET', `/ingest/${encodeURIComponent(jobId)}`);
    return states.includes(json.state) ? json : undefined;
  });

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  store = new ObjectStore(s3.config);
  for (const id of ['100', '232'])
    for (const ext of ['hea', 'dat', 'atr'])
      await store.put(`raw/${id}.${ext}`, readFileSync(join(FIXTURES, `${id}.${ext}`)));
  // Exists, but is not a WFDB header: bad input the worker finds only when converting.
  await store.put('raw/ghost.hea', 'this is not a header\n');
  await store.put('raw/ghost.dat', new Uint8Array(30));
  const long = repeated100(6);
  await store.put('raw/long100.hea', long.hea);
  await store.upload('raw/long100.dat', long.dat);

  ({ app, base } = await startTestCoordinator(redis, s3));

  worker = (await startWorker({}, (c) => (workerLog += c))).child;
});

after(async () => {
  for (const child of [worker, ...extraWorkers])
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await app?.close();
  store?.destroy();
  await s3?.stop();
  await redis?.cleanup();
});

test('the worker announces its roles and shows up in /admin/workers with its heartbeat', async () => {
  assert.match(workerLog, /running roles: ingest \(concurrency 1\)/);
  const { status, json } = await http('GET', '/admin/workers');
  assert.equal(status, 200);
  const ingest = json.queues.find((q: { queue: string }) => q.queue === 'ingest');
  assert.equal(ingest.workers.length, 1);
  const [seen] = ingest.workers;
  assert.equal(seen.name, `ingest@${hostname()}#${worker.pid}`);
  assert.deepEqual(
    {
      role: seen.heartbeat.role,
      host: seen.heartbeat.host,
      pid: seen.heartbeat.pid,
      backend: seen.heartbeat.backend,
    },
    { role: 'ingest', host: hostname(), pid: worker.pid, backend: 'none' },
  );
  for (const q of json.queues.filter((q: { queue: string }) => q.queue !== 'ingest'))
    assert.equal(q.workers.length, 0);
});

test('POST /ingest jobs are converted by the worker; a corrupt raw record fails once, unretried', async () => {
  const { status, json } = await http('POST', '/ingest', {
    to: 'recordings',
    records: [
      {
        source: { format: 'wfdb', header: 'raw/100.hea', data: ['raw/100.dat'], annotations: 'raw/100.atr' },
      },
      {
        source: { format: 'wfdb', header: 'raw/232.hea', data: ['raw/232.dat'], annotations: 'raw/232.atr' },
      },
      { recordId: 'ghost', source: { format: 'wfdb', header: 'raw/ghost.hea', data: ['raw/ghost.dat'] } },
    ],
  });
  assert.equal(status, 202);
  assert.deepEqual(
    json.jobs.map((j: { jobId: string; outcome: string }) => [j.jobId, j.outcome]),
    [
      [`ingest:${s3.bucket}/recordings:100`, 'queued'],
      [`ingest:${s3.bucket}/recordings:232`, 'queued'],
      [`ingest:${s3.bucket}/recordings:ghost`, 'queued'],
    ],
  );
  for (const id of ['100', '232']) {
    const done = await jobState(`ingest:${s3.bucket}/recordings:${id}`, ['completed', 'failed']);
    assert.equal(done.state, 'completed', done.failedReason);
    assert.equal(done.progress, 100);
    const direct = readWfdbRecord(join(FIXTURES, `${id}.hea`));
    const meta = await readRecordingMeta(await store.asyncBuffer(`recordings/${id}.parquet`));
    assert.deepEqual(done.result, {
      recordId: id,
      samples: direct.signals[0].length,
      leads: direct.leads,
      fs: 360,
      beats: direct.beats!.length,
      bytes: done.result.bytes,
      keys: { recording: `recordings/${id}.parquet`, referenceBeats: `recordings/${id}.beats.parquet` },
    });
    assert.equal(meta.numSamples, direct.signals[0].length);
    const written =
      (await store.head(`recordings/${id}.parquet`))!.size +
      (await store.head(`recordings/${id}.beats.parquet`))!.size;
    assert.equal(done.result.bytes, written);
  }
  // Submitting a finished record again runs it again (re-ingest replaces the objects).
  const again = await http('POST', '/ingest', {
    to: 'recordings',
    records: [
      {
        source: { format: 'wfdb', header: 'raw/100.hea', data: ['raw/100.dat'], annotations: 'raw/100.atr' },
      },
    ],
  });
  assert.equal(again.json.jobs[0].outcome, 'requeued');
  assert.equal((await jobState(again.json.jobs[0].jobId, ['completed', 'failed'])).state, 'completed');

  const ghost = await jobState(`ingest:${s3.bucket}/recordings:ghost`, ['completed', 'failed']);
  assert.equal(ghost.state, 'failed');
  assert.equal(ghost.attemptsMade, 1, 'bad input is not retried');
  assert.match(ghost.failedReason, /^record ghost \(ghost\.hea\): invalid signal count "is" in record line$/);

  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /holterflow_queue_jobs\{queue="ingest",state="completed"\} 2\n/); // 100 (run twice) and 232
  assert.match(metrics, /holterflow_queue_jobs\{queue="ingest",state="failed"\} 1\n/);
});

test('an invalid POST /ingest body is a 400 naming the field; nothing is queued', async () => {
  const { status, json } = await http('POST', '/ingest', {
    to: 'recordings',
    records: [{ recordId: '../x', source: { format: 'wfdb', header: 'raw/x.hea', data: ['raw/x.dat'] } }],
  });
  assert.equal(status, 400);
  assert.match(json.message, /records\[0\] \(\.\.\/x\) cannot be ingested/);
  assert.match(json.problems.join('\n'), /^recordId: record ids are/m);
  const missing = await http('POST', '/ingest', { records: [] });
  assert.equal(missing.status, 400);
  assert.deepEqual(
    missing.json.problems.map((p: { field: string }) => p.field),
    ['to', 'records'],
  );
});

test('SIGTERM while a job runs: the job finishes, heartbeats go, the process exits 0', async () => {
  const { json } = await http('POST', '/ingest', {
    to: 'recordings',
    records: [{ source: { format: 'wfdb', header: 'raw/long100.hea', data: ['raw/long100.dat'] } }],
  });
  const jobId = json.jobs[0].jobId as string;
  await jobState(jobId, ['active']);
  const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
  worker.kill('SIGTERM');
  assert.equal(await exited, 0, workerLog);
  assert.match(workerLog, /SIGTERM received: stopping/);
  assert.match(workerLog, /stopped cleanly/);
  const done = await jobState(jobId, ['completed', 'failed']);
  assert.equal(done.state, 'completed', done.failedReason);
  assert.equal(done.result.samples, 650000 * 6);
  const { json: workers } = await http('GET', '/admin/workers');
  assert.equal(workers.queues.find((q: { queue: string }) => q.queue === 'ingest').workers.length, 0);
  assert.deepEqual(await redis.redis.keys(`${redis.prefix}:holterflow:worker:*`), []);
});

test('SIGTERM past the grace period: the worker stops waiting, exits 0, and does not fail the job', async () => {
  // The first worker has exited (previous test); this one gives active jobs 100 ms.
  const hurried = await startWorker({ HOLTERFLOW_SHUTDOWN_GRACE_MS: '100' }, (c) => (workerLog += c));
  extraWorkers.push(hurried.child);
  const { json } = await http('POST', '/ingest', {
    to: 'recordings',
    records: [
      {
        recordId: 'long100-release',
        source: { format: 'wfdb', header: 'raw/long100.hea', data: ['raw/long100.dat'] },
      },
    ],
  });
  const jobId = json.jobs[0].jobId as string;
  await jobState(jobId, ['active']);
  const exited = new Promise<number | null>((resolve) => hurried.child.once('exit', (code) => resolve(code)));
  hurried.child.kill('SIGTERM');
  assert.equal(await exited, 0, hurried.log());
  assert.match(hurried.log(), /grace period over: releasing the jobs still active to other workers/);
  // The conversion is synchronous, so the grace timer fires only after it: whether the last
  // upload and the completion got through before the connections closed depends on timing.
  // Either way the job is never failed by a shutdown: it is done, or still active until its
  // lock lapses and BullMQ's stalled-job check hands it to another worker.
  const { json: status } = await http('GET', `/ingest/${encodeURIComponent(jobId)}`);
  assert.ok(['active', 'completed'].includes(status.state), status.state);
  assert.equal(status.attemptsMade <= 1 && !status.failedReason, true);
});
