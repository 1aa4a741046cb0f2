/**
 * The worker side of the classification flow against real Redis and a real S3 API server, with
 * two worker processes (`HOLTERFLOW_ROLES=classify,summarize,finalize`):
 *  - window edges: the merged beats of records cut into 5-minute windows (the last one 5.6 s)
 *    equal a whole-record pass — no beat lost or doubled, RR intervals continuous;
 *  - a classify worker SIGKILLed mid-run: the run completes on the other worker and every
 *    output is byte-identical to the undisturbed run (summary.json's processing times aside);
 *  - parts already in S3 are reused, not recomputed;
 *  - a record whose recording is corrupt or gone fails alone, with its reason in error.json and in the
 *    run's summary.csv.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  RecordErrorSchema,
  RecordEvaluationSchema,
  RecordSummarySchema,
  RunManifestSchema,
  keys,
  type ClassifyResult,
  type RunManifest,
} from '@holterflow/contracts';
import { primaryLeadOf } from '@holterflow/ecg';
import { asyncBufferFromBytes, readBeatResultsParquet, readWfdbRecord } from '@holterflow/formats';
import type { ObjectStore } from '@holterflow/storage';
import { loadPredictor } from '../apps/worker/src/pipeline/beat-predictor.js';
import { classifyWindow } from '../apps/worker/src/pipeline/classify-window.js';
import { recomputeRrIntervals } from '../apps/worker/src/pipeline/merge-parts.js';
import {
  FIXTURES,
  addRunFlow,
  forgetRunJobs,
  manifestOf,
  objectsUnder,
  putFixtureRecording,
  putSeedModel,
  sameOutput,
} from './support/run-flow.js';
import type { S3rverHandle } from './support/s3rver.js';
import { pipelineStack } from './support/pipeline-stack.js';
import type { RunQueues } from '../apps/coordinator/src/runs/flow.js';

const MODEL = 'seed-7';
const WINDOW_SECONDS = 300;
/** BullMQ hands a dead worker's job on once its lock lapses (30 s) and a stalled check runs. */
const RUN_TIMEOUT_MS = 150_000;

// A worker is killed on purpose here: its exit does not end a wait.
const stack = pipelineStack(import.meta.url, { timeoutMs: RUN_TIMEOUT_MS, pollMs: 50 });
const { waitFor, workers } = stack;
let s3: S3rverHandle;
let store: ObjectStore;
let queues: RunQueues;
let manifest: RunManifest;

const finalizeDone = (runId: string) => stack.finalized(runId, RUN_TIMEOUT_MS);

before(async () => {
  await stack.start();
  ({ s3, store } = stack);
  await putSeedModel(store, MODEL);
  const records = [
    await putFixtureRecording(store, 'recordings', '100', WINDOW_SECONDS),
    await putFixtureRecording(store, 'recordings', '208', WINDOW_SECONDS),
  ];
  manifest = manifestOf('edges', s3.bucket, MODEL, records, WINDOW_SECONDS);
  queues = stack.pipelineQueues();
  stack.startWorker();
  stack.startWorker();
  await stack.workersStarted('two workers to start', 60_000);
});

after(() => stack.stop());

let undisturbed: Map<string, Buffer>;

test('windowed parts merge into exactly the beats of a whole-record pass (no beat lost or doubled)', async () => {
  await addRunFlow(store, queues, manifest);
  const done = await finalizeDone('edges');
  assert.deepEqual(done.returnvalue, { records: 2, completed: 2, failed: 0, beats: done.returnvalue.beats });
  // Both processes took classify jobs: the work was spread.
  const byWorker = new Set((await queues.classify.getCompleted()).map((j) => j.processedBy));
  assert.equal(byWorker.size, 2, `classify jobs ran on ${[...byWorker].join(', ')}`);

  const classifier = await loadPredictor({
    version: MODEL,
    modelJson: await store.get(keys.modelFile(MODEL, 'model.json')),
    weights: await store.get(keys.modelFile(MODEL, 'weights.bin')),
  });
  let total = 0;
  for (const planned of manifest.records) {
    const id = planned.recordId;
    const rec = readWfdbRecord(join(FIXTURES, `${id}.hea`));
    const whole = await classifyWindow(
      {
        signals: rec.signals,
        fs: rec.fs,
        offset: 0,
        ownedStart: 0,
        ownedEnd: rec.signals[0].length,
        primaryLead: primaryLeadOf(rec.leads),
        window: 0,
      },
      classifier,
    );
    recomputeRrIntervals(whole.results, rec.fs, whole.unreadable);
    const key = keys.runRecordBeats('edges', id);
    const { results, meta } = await readBeatResultsParquet(asyncBufferFromBytes(await store.get(key)), key);
    assert.equal(planned.windows, 7);
    assert.deepEqual(results.samples, whole.results.samples, `record ${id}: R-peaks`);
    assert.deepEqual(results.classes, whole.results.classes, `record ${id}: classes`);
    for (let i = 0; i < whole.results.probabilities.length; i++)
      assert.ok(
        Math.abs(results.probabilities[i] - whole.results.probabilities[i]) < 1e-5,
        `record ${id}: probability ${i}`,
      );
    assert.deepEqual(results.rrPrevMs, whole.results.rrPrevMs, `record ${id}: rr_prev across window edges`);
    assert.deepEqual(results.rrNextMs, whole.results.rrNextMs, `record ${id}: rr_next across window edges`);
    assert.deepEqual(meta.unreadable, whole.unreadable);
    // Each beat belongs to the window whose owned range holds its R-peak.
    for (let i = 0; i < results.samples.length; i++)
      assert.equal(results.window[i], Math.floor(results.samples[i] / (WINDOW_SECONDS * rec.fs)));

    const summary = RecordSummarySchema.parse(await store.getJson(keys.runRecordSummary('edges', id)));
    assert.equal(summary.beats, whole.results.samples.length);
    // The Holter report: every beat counted, the engine the windows ran on, and the page beside it.
    assert.equal(summary.holter?.beats.total, summary.beats);
    assert.ok(
      summary.processing && summary.processing.engines.length === 1,
      JSON.stringify(summary.processing),
    );
    assert.ok(summary.processing.classifySeconds > 0 && summary.processing.summarizeSeconds > 0);
    const html = await store.getText(keys.runRecordReport('edges', id));
    assert.match(html, new RegExp(`Holter report — record ${id}`));
    assert.match(html, /id="strip-0"/, `record ${id}: report.html has ECG strips`);
    const evaluation = await store.getJson(keys.runRecordEvaluation('edges', id), RecordEvaluationSchema);
    assert.equal(evaluation.referenceBeats, rec.beats!.length);
    // The detector's own figures on these records are > 0.99 (libs/ecg tests); the parts must not lose any.
    assert.ok(evaluation.detection.sensitivity > 0.99, `record ${id} Se ${evaluation.detection.sensitivity}`);
    total += summary.beats;
  }
  await classifier.dispose();
  assert.equal(done.returnvalue.beats, total);
  const csv = (await store.getText(keys.runSummaryCsv('edges'))).trim().split('\n');
  assert.equal(csv.length, 3);
  assert.match(csv[1], /^100,complete,\d+,/);
  assert.match(csv[2], /^208,complete,\d+,/);
  assert.ok(RunManifestSchema.parse(await store.getJson(keys.runManifest('edges'))).completedAt);
  undisturbed = await objectsUnder(store, 'runs/edges/');
});

/** Outputs must be the same result however the run went (sameOutput: processing times aside). */
function assertSameOutput(key: string, actual: Buffer, expected: Buffer): void {
  assert.ok(sameOutput(key, actual, expected), `${key} differs`);
}

test('a classify worker SIGKILLed mid-run: the run completes and its outputs are byte-identical', async () => {
  assert.ok(undisturbed, 'needs the undisturbed run of the previous test');
  await forgetRunJobs(queues, 'edges');
  for (const key of undisturbed.keys()) await store.delete(key);
  await addRunFlow(store, queues, manifest);

  const victim = workers[0];
  // Kill the victim inside a classify job, after the first parts are written. A window now takes
  // a fraction of a second, so the victim is frozen (SIGSTOP) first and killed only if its job is
  // still active once commands it had already sent have landed; else it is let go and tried again.
  const active = await waitFor(
    'a classify job running on the first worker after the first parts',
    async () => {
      const parts = (await objectsUnder(store, 'runs/edges/parts/')).size;
      if (parts < 2) return undefined;
      const jobs = await queues.classify.getActive();
      const job = jobs.find((j) => j.processedBy?.endsWith(`#${victim.child.pid}`));
      if (!job) return undefined;
      victim.child.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, 100));
      if ((await queues.classify.getJobState(job.id!)) === 'active') return job;
      victim.child.kill('SIGCONT');
      return undefined;
    },
    60_000,
  );
  victim.child.kill('SIGKILL');
  const done = await finalizeDone('edges');
  assert.equal(done.returnvalue.completed, 2);

  // BullMQ found the killed job stalled and the surviving worker ran it again, once.
  const recovered = await queues.classify.getJob(active.id!);
  assert.equal(await recovered!.getState(), 'completed');
  assert.equal(recovered!.stalledCounter, 1);
  assert.equal(recovered!.attemptsStarted, 2);
  assert.equal(recovered!.processedBy, `classify@${hostname()}#${workers[1].child.pid}`);
  // The kill cost one repeated window, nothing more: 14 windows, 15 starts.
  const starts = (await queues.classify.getCompleted()).map((j) => j.attemptsStarted);
  assert.equal(starts.length, 14);
  assert.equal(
    starts.reduce((a, b) => a + b, 0),
    15,
  );

  const rerun = await objectsUnder(store, 'runs/edges/');
  const manifestKey = keys.runManifest('edges');
  const compared = [...undisturbed.keys()].filter((k) => k !== manifestKey);
  assert.deepEqual([...rerun.keys()].sort(), [...undisturbed.keys()].sort());
  for (const key of compared) assertSameOutput(key, rerun.get(key)!, undisturbed.get(key)!);
});

test('a resubmitted run reuses every part already in S3 and rewrites identical outputs', async () => {
  await forgetRunJobs(queues, 'edges');
  await addRunFlow(store, queues, manifest);
  await finalizeDone('edges');
  const results = (await queues.classify.getCompleted()).map((j) => j.returnvalue as ClassifyResult);
  assert.equal(results.length, 14);
  assert.ok(
    results.every((r) => r.reused),
    'no part was recomputed',
  );
  const again = await objectsUnder(store, 'runs/edges/');
  for (const [key, bytes] of undisturbed)
    if (key !== keys.runManifest('edges')) assertSameOutput(key, again.get(key)!, bytes);
});

test('a corrupt or vanished recording fails alone: error.json with the reason, the other record completes', async () => {
  await store.put('recordings/broken.parquet', new TextEncoder().encode('not a parquet file at all, sorry'));
  const good = manifest.records.find((r) => r.recordId === '100')!;
  const broken = { ...good, recordId: 'broken', recordingKey: 'recordings/broken.parquet' };
  delete (broken as { referenceBeatsKey?: string }).referenceBeatsKey;
  const gone = { ...broken, recordId: 'gone', recordingKey: 'recordings/gone.parquet' };
  const m = manifestOf('mixed', s3.bucket, MODEL, [good, broken, gone], WINDOW_SECONDS);
  await addRunFlow(store, queues, m);
  const done = await finalizeDone('mixed');
  assert.deepEqual(done.returnvalue, { records: 3, completed: 1, failed: 2, beats: done.returnvalue.beats });
  const error = RecordErrorSchema.parse(await store.getJson(keys.runRecordError('mixed', 'broken')));
  assert.match(error.error, /record broken \(recordings\/broken\.parquet\): not a Parquet file/);
  assert.deepEqual(
    error.failedWindows.map((f) => f.window),
    [0, 1, 2, 3, 4, 5, 6],
  );
  const missing = RecordErrorSchema.parse(await store.getJson(keys.runRecordError('mixed', 'gone')));
  assert.match(missing.error, /the recording s3:\/\/\S+\/recordings\/gone\.parquet no longer exists/);
  // Bad input is not retried.
  const failed = await queues.classify.getJob('mixed:broken:0');
  assert.equal(failed!.attemptsMade, 1);
  const csv = (await store.getText(keys.runSummaryCsv('mixed'))).trim().split('\n');
  assert.match(csv[1], /^100,complete,/);
  assert.match(csv[2], /^broken,failed,,.*not a Parquet file/);
  assert.match(csv[3], /^gone,failed,,.*no longer exists/);
  assert.equal(await store.exists(keys.runRecordSummary('mixed', 'broken')), false);
});
