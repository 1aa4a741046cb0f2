/**
 * `holterflow train cancel <version>` as an admin runs it, against a real worker process
 * (apps/worker/src/main.ts, role train, wasm on one thread), real Redis and s3rver, and the seed
 * CNN on a small synthetic beat dataset: a queued job is removed, a running one stops at the next
 * batch with its checkpoint kept, a job (re)started after a cancel fails at once, and submitting
 * the version again resumes from the checkpoint.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import {
  JOB_CONTRACTS,
  QUEUES,
  trainCancelKey,
  trainJobId,
  type TrainCancelRequest,
  type TrainJobInput,
  type TrainProgress,
} from '@holterflow/contracts';
import { writeBeatDataset } from '@holterflow/training';
import { ObjectStore, storageEnvOf } from '@holterflow/storage';
import { decodeCheckpoint } from '@holterflow/training';
import { connectTestRedis, type TestRedis } from '../../../test/support/redis.js';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';
import { spawnWorkerProcess, type WorkerProcess } from '../../../test/support/worker-process.js';
import { syntheticDataset } from '../../../libs/training/test/helpers/synthetic.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);
const DATA_KEY = 'datasets/synthetic.parquet';
/** Far more than the test lets run: a job that reaches the end was not cancelled. */
const EPOCHS = 30;

let s3: S3rverHandle;
let redis: TestRedis;
let store: ObjectStore;
let queue: Queue;
let worker: WorkerProcess | undefined;
let env: Record<string, string>;

before(async () => {
  s3 = await startS3rver();
  redis = await connectTestRedis(import.meta.url);
  store = new ObjectStore(s3.config);
  queue = new Queue(QUEUES.train, { connection: redis.newConnection(), prefix: redis.prefix });
  env = { ...storageEnvOf(s3.config), ...redis.env };
  await store.put(DATA_KEY, writeBeatDataset(syntheticDataset([250, 30, 60, 15, 50], 21)));
});

after(async () => {
  if (worker && worker.child.exitCode === null) {
    const exited = new Promise((resolve) => worker!.child.once('exit', resolve));
    worker.child.kill('SIGTERM');
    await exited;
  }
  await queue.close();
  await redis.cleanup();
  store.destroy();
  await s3.stop();
});

async function holterflow(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'apps/cli/src/main.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...env, NO_COLOR: '1' },
        timeout: 90_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const submit = (version: string) =>
  holterflow([
    'train',
    ...['--data', `s3://${s3.bucket}/${DATA_KEY}`, '--protocol', 'intra'],
    ...['--version', version, '--epochs', String(EPOCHS), '--seed', '5'],
  ]);

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; worker log:\n${worker?.log ?? ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function progressOf(jobId: string): Promise<TrainProgress | undefined> {
  const progress = (await queue.getJob(jobId))?.progress;
  return typeof progress === 'object' ? (progress as TrainProgress) : undefined;
}

test('an unknown version is an error naming the job and queue; a job not started yet is removed', async () => {
  const unknown = await holterflow(['train', 'cancel', 'no-such-version']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no training job train-no-such-version in queue train \(.*queue prefix test:/);

  // No train worker runs yet, so the job waits.
  const submitted = await submit('cancel-waiting');
  assert.equal(submitted.code, 0, submitted.stderr);
  assert.equal(await queue.getJobState(trainJobId({ version: 'cancel-waiting' })), 'waiting');
  const cancelled = await holterflow(['train', 'cancel', 'cancel-waiting']);
  assert.equal(cancelled.code, 0, cancelled.stderr);
  assert.match(
    cancelled.stdout,
    /training job train-cancel-waiting removed before it started \(it was waiting\)/,
  );
  assert.equal(await queue.getJob(trainJobId({ version: 'cancel-waiting' })), undefined);

  const delayed: TrainJobInput = {
    bucket: s3.bucket,
    dataKey: DATA_KEY,
    protocol: 'intra',
    version: 'cancel-delayed',
  };
  await queue.add(JOB_CONTRACTS[QUEUES.train].name, delayed, { jobId: trainJobId(delayed), delay: 600_000 });
  const cancelledDelayed = await holterflow(['train', 'cancel', 'cancel-delayed']);
  assert.equal(cancelledDelayed.code, 0, cancelledDelayed.stderr);
  assert.match(cancelledDelayed.stdout, /train-cancel-delayed removed before it started \(it was delayed\)/);
  assert.equal(await queue.getJob(trainJobId(delayed)), undefined);
});

test('a running training job stops at the next batch, keeps its checkpoint, and is resumed by a re-submit', async (t) => {
  worker = spawnWorkerProcess(
    {
      ...env,
      HOLTERFLOW_TF_BACKEND: 'wasm',
      HOLTERFLOW_TRAIN_THREADS: '1',
      HOLTERFLOW_SHUTDOWN_GRACE_MS: '2000',
    },
    'train',
  );
  const version = 'cancel-running';
  const jobId = trainJobId({ version });
  assert.equal((await submit(version)).code, 0);
  const reached = await until('epoch 1 of the running job', 45_000, async () => {
    const p = await progressOf(jobId);
    return p && p.epoch >= 1 ? p : undefined;
  });

  const started = Date.now();
  const cancelled = await holterflow(['train', 'cancel', version, '--timeout', '30']);
  const tookMs = Date.now() - started;
  t.diagnostic(
    `cancel took ${tookMs} ms (CLI start included); an epoch took ${reached.secondsPerEpoch.toFixed(2)} s`,
  );
  assert.equal(cancelled.code, 0, `${cancelled.stdout}\n${cancelled.stderr}\n${worker.log}`);
  assert.ok(tookMs < 15_000, `the cancel took ${tookMs} ms`);
  const job = (await queue.getJob(jobId))!;
  assert.equal(await job.getState(), 'failed');
  assert.match(
    job.failedReason,
    /^training cancelled in epoch \d+ before batch \d+ of \d+;.*\(cancelled by .* with holterflow train cancel\)$/,
  );
  assert.equal(job.attemptsMade, 1, 'a cancel is not retried');
  const stoppedIn = Number(/cancelled in epoch (\d+)/.exec(job.failedReason)![1]);
  assert.ok(stoppedIn > reached.epoch && stoppedIn < EPOCHS, `stopped in epoch ${stoppedIn}`);

  const checkpointKey = `training/${jobId}/checkpoint/latest.bin`;
  const checkpoint = decodeCheckpoint(await store.get(checkpointKey));
  assert.equal(checkpoint.epoch, stoppedIn - 1);
  assert.ok(checkpoint.epoch >= 1 && !checkpoint.finished);
  const lines = cancelled.stdout.trim().split('\n');
  assert.match(
    lines[0],
    /^cancel of running training job train-cancel-running requested \(1 train worker listening\)/,
  );
  assert.ok(lines.includes(`stopped in epoch ${stoppedIn} of ${EPOCHS}`), cancelled.stdout);
  assert.ok(
    lines.includes(`checkpoint: epoch ${checkpoint.epoch} at s3://${s3.bucket}/${checkpointKey}`),
    cancelled.stdout,
  );
  assert.ok(
    lines.includes(
      `resume (continues after the checkpoint): holterflow train --data s3://${s3.bucket}/${DATA_KEY} ` +
        `--protocol intra --version ${version} --epochs ${EPOCHS} --seed 5`,
    ),
    cancelled.stdout,
  );
  assert.match(worker.log, /cancelling training job train-cancel-running: cancelled by/);

  // Cancelling again: it is already failed, which is what was asked (exit 0).
  const again = await holterflow(['train', 'cancel', version]);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /already failed: training cancelled in epoch/);

  // Re-submitting replaces the failed job, clears the cancel request, and resumes after the checkpoint.
  assert.equal(await redis.redis.exists(trainCancelKey(redis.prefix, jobId)), 1);
  assert.equal((await submit(version)).code, 0);
  assert.equal(await redis.redis.exists(trainCancelKey(redis.prefix, jobId)), 0);
  const resumed = await until('the first epoch of the re-submitted job', 30_000, async () => {
    const p = await progressOf(jobId);
    return p && (await queue.getJob(jobId))?.attemptsMade === 0 ? p : undefined;
  });
  assert.equal(resumed.epoch, checkpoint.epoch + 1, 'the re-submitted job continued after the checkpoint');
  assert.equal((await holterflow(['train', 'cancel', version])).code, 0);
});

test('a training job (re)started after a cancel request fails at once, without training', async () => {
  // As when the worker running a job died before the cancel reached it: the request waits in its
  // key, and the job comes back (stalled → waiting) to a worker that never heard the message.
  const data: TrainJobInput = {
    bucket: s3.bucket,
    dataKey: DATA_KEY,
    protocol: 'intra',
    version: 'cancel-restart',
  };
  const jobId = trainJobId(data);
  const request: TrainCancelRequest = {
    jobId,
    reason: 'cancelled by the test',
    requestedAt: '2026-01-01T00:00:00Z',
  };
  await redis.redis.set(trainCancelKey(redis.prefix, jobId), JSON.stringify(request), 'EX', 60);
  await queue.add(JOB_CONTRACTS[QUEUES.train].name, data, { jobId, attempts: 3 });
  const state = await until('the job to end', 20_000, async () => {
    const s = await queue.getJobState(jobId);
    return s === 'failed' || s === 'completed' ? s : undefined;
  });
  assert.equal(state, 'failed');
  const job = (await queue.getJob(jobId))!;
  assert.equal(
    job.failedReason,
    'training cancelled before it started (cancelled by the test, requested 2026-01-01T00:00:00Z)',
  );
  assert.equal(job.attemptsMade, 1);
  assert.equal(job.progress, 0, 'no epoch ran');
  assert.equal(await store.exists(`training/${jobId}/checkpoint/identity.json`), false);
});
