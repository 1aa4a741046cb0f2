/**
 * A 12-second S3 outage in the middle of a run (issue #11): s3rver is stopped while a real
 * worker process classifies, then started again over the same data. Jobs that hit the outage
 * are postponed, not failed, so every record completes, none is marked failed, no job spends
 * an attempt (the worker logs none), and the outputs are byte-identical to an undisturbed run of the same manifest.
 * Before the fix a 10-second outage left a record failed for good ("S3 get …/manifest.json
 * failed (ECONNREFUSED) after 5 attempts").
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { keys, type RunManifest } from '@holterflow/contracts';
import type { ObjectStore } from '@holterflow/storage';
import type { S3rverHandle } from './support/s3rver.js';
import type { WorkerProcess } from './support/worker-process.js';
import {
  addRunFlow,
  forgetRunJobs,
  manifestOf,
  objectsUnder,
  putFixtureRecording,
  putSeedModel,
  sameOutput,
} from './support/run-flow.js';
import { pipelineStack } from './support/pipeline-stack.js';
import type { RunQueues } from '../apps/coordinator/src/runs/flow.js';

const MODEL = 'seed-7';
const WINDOW_SECONDS = 300;
const OUTAGE_MS = 12_000;

// S3 may be down while a wait looks: a probe that throws is "not yet".
const stack = pipelineStack(import.meta.url, {
  timeoutMs: 180_000,
  pollMs: 50,
  tolerateProbeErrors: true,
});
const { waitFor } = stack;
let s3: S3rverHandle;
let store: ObjectStore;
let queues: RunQueues;
let manifest: RunManifest;
let worker: WorkerProcess;
/** The outputs of the undisturbed run (first test), by key. */
let undisturbed: Map<string, Buffer>;

const finalized = (runId: string) => stack.finalized(runId, 180_000);

before(async () => {
  await stack.start();
  ({ s3, store } = stack);
  await putSeedModel(store, MODEL);
  const records = [
    await putFixtureRecording(store, 'recordings', '100', WINDOW_SECONDS),
    await putFixtureRecording(store, 'recordings', '208', WINDOW_SECONDS),
  ];
  manifest = manifestOf('outage', s3.bucket, MODEL, records, WINDOW_SECONDS);
  queues = stack.pipelineQueues();
  worker = stack.startWorker();
  await stack.workersStarted('the worker to start', 60_000);
});

after(() => stack.stop());

test('an S3 outage mid-run postpones jobs; every record completes with the same bytes as without it', async () => {
  await addRunFlow(store, queues, manifest);
  const calm = await finalized('outage');
  assert.equal(calm.returnvalue.failed, 0);
  undisturbed = await objectsUnder(store, 'runs/outage/');

  await forgetRunJobs(queues, 'outage');
  for (const key of undisturbed.keys()) await store.delete(key);
  await addRunFlow(store, queues, manifest);
  await waitFor(
    'the first part of the second run',
    async () => ((await store.exists(keys.runPart('outage', '100', 0))) ? true : undefined),
    60_000,
  );
  const logBefore = worker.log.length;
  await s3.outage(OUTAGE_MS);

  const done = await finalized('outage');
  assert.deepEqual(done.returnvalue, { records: 2, completed: 2, failed: 0, beats: calm.returnvalue.beats });
  const during = worker.log.slice(logBefore);
  assert.match(
    during,
    /postponed \d+ ms, S3 unavailable: S3 \w+ .*ECONNREFUSED/,
    'the outage reached running jobs',
  );
  // Not one attempt was spent on the outage: the worker logs every failed attempt ("failed (attempt n)").
  assert.doesNotMatch(during, /job \S+ failed \(attempt/);
  for (const q of [queues.classify, queues.summarize, queues.finalize])
    assert.equal(await q.getFailedCount(), 0, `${q.name}: no job failed`);
  for (const { recordId } of manifest.records)
    assert.equal(
      await store.exists(keys.runRecordError('outage', recordId)),
      false,
      `${recordId} has no error.json`,
    );
  const disturbed = await objectsUnder(store, 'runs/outage/');
  assert.deepEqual([...disturbed.keys()].sort(), [...undisturbed.keys()].sort());
  // The manifest carries completedAt (a time); every other output must be the same result.
  for (const [key, bytes] of undisturbed)
    if (key !== keys.runManifest('outage'))
      assert.ok(sameOutput(key, bytes, disturbed.get(key)!), `${key} is byte-identical`);
});

test('a part cut short by a store that went down mid-write is computed again, not a failed record', async () => {
  assert.ok(undisturbed, 'needs the undisturbed run of the previous test');
  // What the fault harness found: s3rver stopped during a PUT kept half the object.
  await forgetRunJobs(queues, 'outage');
  for (const key of undisturbed.keys()) await store.delete(key);
  const partKey = keys.runPart('outage', '100', 3);
  const whole = undisturbed.get(partKey)!;
  await store.put(partKey, whole.subarray(0, Math.floor(whole.length / 2)));
  await addRunFlow(store, queues, manifest);
  const done = await finalized('outage');
  assert.equal(done.returnvalue.failed, 0);
  assert.match(worker.log, /parts\/100\/000003\.parquet: existing part unreadable .*computing it again/);
  const after = await objectsUnder(store, 'runs/outage/');
  for (const [key, bytes] of undisturbed)
    if (key !== keys.runManifest('outage'))
      assert.ok(sameOutput(key, bytes, after.get(key)!), `${key} is byte-identical`);
});
