/**
 * Cancelling a run while its windows are running, as a lab does it: POST /runs on the coordinator
 * (in-process), one real worker process (classify, summarize, finalize), real Redis and s3rver,
 * two MIT-BIH fixture records in 600 s windows, the shipped model.
 *
 * The cancel lands mid-window deterministically: when the run's second classify job becomes
 * active (the first one's part is written), the worker process is frozen with SIGSTOP, the job is
 * checked to be still active, the cancel is posted, and the worker continues (SIGCONT). The frozen
 * window then finishes, which makes its record's summarize runnable and then finalize — the path
 * that used to write summary.csv and mark a cancelled run complete. A resubmit while the window
 * still runs is refused (409); once the cancel has settled it resumes the run, which then equals
 * the same run never cancelled.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import {
  QUEUES,
  RecordSummarySchema,
  RunManifestSchema,
  keys,
  runJobIds,
  type RunManifest,
} from '@holterflow/contracts';
import { asyncBufferFromBytes, readBeatResultsParquet } from '@holterflow/formats';
import { ObjectStore, storageEnvOf } from '@holterflow/storage';
import { connectTestRedis, type TestRedis } from './support/redis.js';
import { spawnWorkerProcess, type WorkerProcess } from './support/worker-process.js';
import { startS3rver, type S3rverHandle } from './support/s3rver.js';
import { ingestFixtures, saveSeedModel } from './support/run-fixtures.js';
import { objectsUnder, pipelineQueues } from './support/run-flow.js';
import { jsonClient, type Json } from './support/http.js';
import { startTestCoordinator } from './support/coordinator.js';
import { shippedModel } from './support/shipped-model.js';

const RECORDS = ['100', '119'];
/**
 * 1805.6 s records: windows of 600 s, 600 s and 605.6 s (the trailing 5.6 s joins the last), 6 in
 * all; one takes ~1 s here.
 */
const OPTIONS = { windowSeconds: 600, marginSeconds: 30 };
const WINDOWS = 6;
const TIMEOUT_MS = 60_000;

const shipped = shippedModel();
const MODEL = shipped?.version ?? 'seed-1';

interface Completion {
  queue: 'classify' | 'summarize' | 'finalize';
  jobId: string;
  returnvalue: Json;
}

let redis: TestRedis;
let s3: S3rverHandle;
let store: ObjectStore;
let app: INestApplication;
let base: string;
let worker: WorkerProcess;
let queues: ReturnType<typeof pipelineQueues>;
const events: QueueEvents[] = [];
/** Every job the workers completed, in the order BullMQ reported them. */
const completions: Completion[] = [];

const http = jsonClient(() => base);

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (worker.child.exitCode !== null)
      throw new Error(`the worker exited (${worker.child.exitCode}):\n${worker.log.slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${worker.log.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const submit = (runId: string) =>
  http('POST', '/runs', { prefix: 'mitdb', model: MODEL, options: OPTIONS, runId });

const completed = (runId: string) =>
  waitFor(`run ${runId} to complete`, async () => {
    const { json } = await http('GET', `/runs/${runId}`);
    return json.state === 'completed' ? json : undefined;
  });

/** Every job id the run's flow has (classify windows, summarize per record, finalize). */
function flowJobIds(m: RunManifest): { queue: Completion['queue']; id: string }[] {
  return [
    ...m.records.flatMap((r) => [
      ...Array.from({ length: r.windows }, (_, w) => ({
        queue: 'classify' as const,
        id: runJobIds.classify(m.runId, r.recordId, w),
      })),
      { queue: 'summarize' as const, id: runJobIds.summarize(m.runId, r.recordId) },
    ]),
    { queue: 'finalize' as const, id: runJobIds.finalize(m.runId) },
  ];
}

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  store = new ObjectStore(s3.config);
  await ingestFixtures(store, 'mitdb', RECORDS);
  if (shipped)
    for (const file of ['model.json', 'weights.bin'])
      await store.put(keys.modelFile(shipped.version, file), readFileSync(join(shipped.dir, file)));
  else await saveSeedModel(store, MODEL);
  queues = pipelineQueues(redis.newConnection(), redis.prefix);
  for (const queue of ['classify', 'summarize', 'finalize'] as const) {
    const e = new QueueEvents(QUEUES[queue], { connection: redis.newConnection(), prefix: redis.prefix });
    e.on('completed', ({ jobId, returnvalue }) =>
      completions.push({
        queue,
        jobId,
        returnvalue: typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue,
      }),
    );
    await e.waitUntilReady();
    events.push(e);
  }
  ({ app, base } = await startTestCoordinator(redis, s3));
  worker = spawnWorkerProcess({ ...storageEnvOf(s3.config), ...redis.env });
  await waitFor('the worker to start', async () =>
    /running roles: classify/.test(worker.log) ? true : undefined,
  );
});

after(async () => {
  if (worker && worker.child.exitCode === null && worker.child.signalCode === null)
    worker.child.kill('SIGKILL');
  await app?.close();
  for (const e of events) await e.close();
  if (queues) for (const q of [queues.classify, queues.summarize, queues.finalize]) await q.close();
  store?.destroy();
  await s3?.stop();
  await redis?.cleanup();
});

test('a run cancelled while a window runs writes no run outputs and stays cancelled; resubmitted, it completes as if never cancelled', async (t) => {
  // The same run, never cancelled: what the resumed run's outputs must equal.
  assert.equal((await submit('uncancelled')).status, 202);
  const reference = await completed('uncancelled');
  assert.deepEqual(reference.records, { total: 2, done: 2, failed: 0, running: 0, queued: 0 });

  // Freeze the worker inside the run's second window (the first one's part is written by then).
  let actives = 0;
  const frozen = new Promise<string>((resolve) => {
    events[0].on('active', ({ jobId }) => {
      if (!jobId.startsWith('cancelled:') || ++actives !== 2) return;
      worker.child.kill('SIGSTOP');
      resolve(jobId);
    });
  });
  const submitted = await submit('cancelled');
  assert.equal(submitted.status, 202, JSON.stringify(submitted.json));
  const busyWindow = await frozen;
  let cancelledAt: string;
  try {
    assert.equal(await queues.classify.getJobState(busyWindow), 'active', 'the cancel must land mid-window');
    const cancel = await http('POST', '/runs/cancelled/cancel');
    assert.equal(cancel.status, 202, JSON.stringify(cancel.json));
    assert.equal(cancel.json.busyRecords, 1);
    cancelledAt = cancel.json.cancelledAt;
    // Resubmitted while the window still runs: refused (its record's jobs cannot be removed yet,
    // and a resumed flow must not inherit jobs that end as cancelled); the run stays cancelled.
    const early = await submit('cancelled');
    assert.equal(early.status, 409, JSON.stringify(early.json));
    assert.match(early.json.message, /still have a window finishing/);
    const still = RunManifestSchema.parse(await store.getJson(keys.runManifest('cancelled')));
    assert.equal(still.cancelledAt, cancelledAt);
  } finally {
    worker.child.kill('SIGCONT');
  }

  // The cancel settles: the busy window ends, and the coordinator's sweep removes every job left.
  const manifest = RunManifestSchema.parse(await store.getJson(keys.runManifest('cancelled')));
  const ids = flowJobIds(manifest);
  assert.equal(ids.length, WINDOWS + 3);
  await waitFor('every job of the cancelled run to be removed', async () => {
    const states = await Promise.all(ids.map(({ queue, id }) => queues[queue].getJobState(id)));
    return states.every((s) => s === 'unknown') ? true : undefined;
  });

  const ofRun = completions.filter((c) => c.jobId.startsWith('cancelled:'));
  // Two windows were classified: the one done before the cancel and the one running through it.
  const windowsDone = ofRun.filter((c) => c.queue === 'classify');
  assert.equal(windowsDone.length, 2);
  assert.ok(windowsDone.every((c) => typeof c.returnvalue.partKey === 'string'));
  assert.ok(windowsDone.some((c) => c.jobId === busyWindow));
  // No summarize or finalize did its work after the cancel: any that ran ended as cancelled. (The
  // busy record's summarize runs as soon as its window ends — unless the coordinator's sweep
  // removes it in the millisecond between — and finalize after it.)
  const later = ofRun.filter((c) => c.queue !== 'classify');
  for (const c of later)
    assert.deepEqual(c.returnvalue, { runId: 'cancelled', cancelled: true, cancelledAt });
  t.diagnostic(
    `after the cancel: ${later.map((c) => `${c.jobId} ended as cancelled`).join(', ') || 'no summarize or finalize started'}`,
  );

  // No run output, no record output, the manifest cancelled and not complete; the parts stay.
  assert.equal(await store.exists(keys.runSummaryCsv('cancelled')), false);
  assert.equal(await store.exists(keys.runSummaryParquet('cancelled')), false);
  assert.deepEqual([...(await objectsUnder(store, 'runs/cancelled/records/')).keys()], []);
  assert.equal((await objectsUnder(store, 'runs/cancelled/parts/')).size, 2);
  const after = RunManifestSchema.parse(await store.getJson(keys.runManifest('cancelled')));
  assert.equal(after.cancelledAt, cancelledAt);
  assert.equal(after.completedAt, undefined);
  const status = await http('GET', '/runs/cancelled');
  assert.equal(status.json.state, 'cancelled');
  assert.equal(status.json.cancelledAt, cancelledAt);
  assert.deepEqual(status.json.records, { total: 2, done: 0, failed: 0, running: 0, queued: 0 });
  const records = await http('GET', '/runs/cancelled/records?state=cancelled');
  assert.equal(records.json.total, 2);
  assert.equal((await http('POST', '/runs/cancelled/retry-failed')).status, 409);

  // Resubmitted: resumes, reuses the two parts, classifies the other four windows once each.
  const resumedAt = completions.length;
  const resumed = await submit('cancelled');
  assert.equal(resumed.status, 202, JSON.stringify(resumed.json));
  assert.equal(resumed.json.outcome, 'resumed');
  const done = await completed('cancelled');
  assert.deepEqual(done.records, { total: 2, done: 2, failed: 0, running: 0, queued: 0 });
  assert.equal(done.cancelledAt, undefined);
  const rerun = completions.slice(resumedAt).filter((c) => c.jobId.startsWith('cancelled:'));
  const classified = rerun.filter((c) => c.queue === 'classify');
  assert.equal(classified.length, WINDOWS);
  assert.equal(new Set(classified.map((c) => c.jobId)).size, WINDOWS);
  assert.equal(classified.filter((c) => c.returnvalue.reused).length, 2);
  assert.ok(rerun.every((c) => !c.returnvalue.cancelled));

  // Outputs equal the never-cancelled run's: the run tables byte for byte, each record's beats
  // and summary (which name their run id) field by field — the summary's processing times
  // aside, which are this attempt's.
  for (const key of [keys.runSummaryCsv, keys.runSummaryParquet])
    assert.ok(
      Buffer.from(await store.get(key('cancelled'))).equals(Buffer.from(await store.get(key('uncancelled')))),
    );
  for (const id of RECORDS) {
    const beats = async (runId: string) => {
      const key = keys.runRecordBeats(runId, id);
      return (await readBeatResultsParquet(asyncBufferFromBytes(await store.get(key)), key)).results;
    };
    const [mine, theirs] = [await beats('cancelled'), await beats('uncancelled')];
    assert.ok(mine.samples.length > 1000, `record ${id}: ${mine.samples.length} beats`);
    assert.deepEqual(mine, theirs, `record ${id}: beats`);
    const summary = async (runId: string) => {
      const {
        runId: _,
        processing: _processing,
        ...rest
      } = await store.getJson(keys.runRecordSummary(runId, id), RecordSummarySchema);
      return rest;
    };
    assert.deepEqual(await summary('cancelled'), await summary('uncancelled'), `record ${id}: summary`);
    const evaluation = keys.runRecordEvaluation;
    assert.ok(
      Buffer.from(await store.get(evaluation('cancelled', id))).equals(
        Buffer.from(await store.get(evaluation('uncancelled', id))),
      ),
      `record ${id}: evaluation.json`,
    );
  }
});
