/**
 * Training over the coordinator's API as an operator drives it: real Redis, s3rver over HTTP,
 * the coordinator, and a real train worker process (HOLTERFLOW_ROLES=train, wasm, one thread)
 * training the seed CNN on a small synthetic beat dataset. A job submitted with POST /training
 * shows every epoch in GET /training/:version while it runs and its result at the end; a running
 * one is stopped with POST /training/:version/cancel, its checkpoint reported, and the answer's
 * resumeRequest continues it after that checkpoint. The CLI does the same through the API
 * (`train --via api`, `training`, `train cancel --via api`) with HOLTERFLOW_API_KEY.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { trainCheckpointKey, trainJobId, type TrainProgress } from '@holterflow/contracts';
import { ObjectStore, storageEnvOf } from '@holterflow/storage';
import { decodeCheckpoint, writeBeatDataset } from '@holterflow/training';
import { connectTestRedis, type TestRedis } from './support/redis.js';
import { startS3rver, type S3rverHandle } from './support/s3rver.js';
import { startTestCoordinator, type TestCoordinator } from './support/coordinator.js';
import { jsonClient, type Json } from './support/http.js';
import { spawnWorkerProcess, type WorkerProcess } from './support/worker-process.js';
import { syntheticDataset } from '../libs/training/test/helpers/synthetic.js';
import { isolatedCliEnv } from './support/cli-env.js';

const DATA_KEY = 'datasets/synthetic.parquet';

let s3: S3rverHandle;
let redis: TestRedis;
let store: ObjectStore;
let coordinator: TestCoordinator;
let worker: WorkerProcess;
let operator: ReturnType<typeof jsonClient>;
let operatorKeyId: string;
let operatorKey: string;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

before(async () => {
  s3 = await startS3rver();
  redis = await connectTestRedis(import.meta.url);
  store = new ObjectStore(s3.config);
  await store.put(DATA_KEY, writeBeatDataset(syntheticDataset([120, 20, 30, 10, 25], 21)));
  coordinator = await startTestCoordinator(redis, s3);
  const admin = jsonClient(() => coordinator.base);
  const key = await admin('POST', '/admin/keys', { role: 'operator', name: 'training-api' });
  assert.equal(key.status, 201, JSON.stringify(key.json));
  operator = jsonClient(() => coordinator.base, key.json.key);
  operatorKeyId = key.json.info.id;
  operatorKey = key.json.key;
  worker = spawnWorkerProcess(
    {
      ...storageEnvOf(s3.config),
      ...redis.env,
      HOLTERFLOW_TF_BACKEND: 'wasm',
      HOLTERFLOW_TRAIN_THREADS: '1',
      HOLTERFLOW_SHUTDOWN_GRACE_MS: '2000',
    },
    'train',
  );
});

after(async () => {
  if (worker && worker.child.exitCode === null) {
    const exited = new Promise((resolve) => worker.child.once('exit', resolve));
    worker.child.kill('SIGTERM');
    await exited;
  }
  await coordinator?.app.close();
  await redis?.cleanup();
  store?.destroy();
  await s3?.stop();
});

const body = (version: string, epochs: number) => ({
  dataKey: DATA_KEY,
  protocol: 'intra',
  version,
  epochs,
  seed: 5,
  batchSize: 64,
});

/** Polls GET /training/:version until `done` holds, keeping every answer. */
async function watch(version: string, timeoutMs: number, done: (s: Json) => boolean): Promise<Json[]> {
  const seen: Json[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await operator('GET', `/training/${version}`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    seen.push(res.json);
    if (done(res.json)) return seen;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting on ${version}: ${JSON.stringify(res.json).slice(0, 500)}\nworker log:\n${worker.log}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function assertEpochReports(history: TrainProgress[], epochs: number, planned: number): void {
  assert.deepEqual(
    history.map((h) => h.epoch),
    Array.from({ length: epochs }, (_, i) => i + 1),
  );
  for (const h of history) {
    assert.equal(h.epochs, planned);
    assert.ok(Number.isFinite(h.loss) && h.loss > 0, `loss ${h.loss}`);
    assert.ok(h.acc >= 0 && h.acc <= 1 && h.valAcc >= 0 && h.valAcc <= 1);
    assert.ok(h.secondsPerEpoch > 0 && h.lr > 0);
  }
}

test('a training submitted over the API reports every epoch while it runs, then its result', async (t) => {
  const version = 'api-two-epochs';
  const submitted = await operator('POST', '/training', body(version, 2));
  assert.equal(submitted.status, 202, JSON.stringify(submitted.json));
  assert.equal(submitted.json.jobId, trainJobId({ version }));
  assert.equal(submitted.json.status, `/training/${version}`);
  assert.equal(submitted.json.replacedFailed, false);
  const again = await operator('POST', '/training', body(version, 2));
  assert.equal(again.status, 409);
  assert.match(again.json.message, /model version api-two-epochs is already training/);

  const seen = await watch(version, 180_000, (s) => s.state === 'completed' || s.state === 'failed');
  const final = seen.at(-1);
  assert.equal(final.state, 'completed', final.failedReason);
  // Mid-run, after epoch 1 and before the end: the progress of one epoch done of two.
  const midway = seen.find((s) => s.state === 'active' && s.epochsDone === 1);
  assert.ok(
    midway,
    `no answer between the epochs: ${seen.map((s) => `${s.state}/${s.epochsDone}`).join(' ')}`,
  );
  assert.equal(midway.epochsPlanned, 2);
  assertEpochReports(midway.history, 1, 2);
  t.diagnostic(`epoch 1 took ${midway.history[0].secondsPerEpoch.toFixed(2)} s; ${seen.length} polls`);

  assertEpochReports(final.history, 2, 2);
  assert.equal(final.epochsDone, 2);
  assert.deepEqual(final.latest, final.history[1]);
  assert.equal(final.result.version, version);
  assert.equal(final.result.epochs, 2);
  assert.ok(final.result.accuracy > 0 && final.result.accuracy <= 1);
  assert.equal(final.checkpoint.state, 'present');
  assert.equal(final.checkpoint.epoch, 2);
  assert.equal(final.checkpoint.finished, true);
  assert.equal(final.checkpoint.location, `s3://${s3.bucket}/${trainCheckpointKey(final.jobId)}`);
  // The header-only read says what the full decode (libs/training, weights and all) says.
  const full = decodeCheckpoint(await store.get(trainCheckpointKey(final.jobId)));
  assert.equal(full.epoch, final.checkpoint.epoch);
  assert.deepEqual(full.history, final.checkpoint.history);

  const listed = await operator('GET', '/training?state=completed');
  assert.equal(listed.status, 200);
  const entry = listed.json.training.find((j: Json) => j.version === version);
  assert.equal(entry.epoch, 2);
  assert.equal(entry.accuracy, final.result.accuracy);
  const retrained = await operator('POST', '/training', body(version, 2));
  assert.equal(retrained.status, 409);
  assert.match(retrained.json.message, /was trained already/);
});

test('a running training is cancelled over the API with its checkpoint reported, and its resumeRequest continues it', async () => {
  const version = 'api-cancel';
  const epochs = 30;
  assert.equal((await operator('POST', '/training', body(version, epochs))).status, 202);
  const running = (await watch(version, 120_000, (s) => s.state === 'active' && s.epochsDone >= 1)).at(-1);
  assert.equal(running.epochsPlanned, epochs);

  const cancelled = await operator('POST', `/training/${version}/cancel`, { timeoutSeconds: 60 });
  assert.equal(cancelled.status, 200, `${JSON.stringify(cancelled.json)}\n${worker.log}`);
  const answer = cancelled.json;
  assert.equal(answer.outcome, 'cancelled');
  assert.equal(answer.listening, 1, 'one train worker heard the request');
  assert.match(
    answer.failedReason,
    new RegExp(
      `^training cancelled in epoch \\d+ before batch \\d+ of \\d+;.*\\(cancelled by API key ${operatorKeyId} ` +
        `\\(operator\\) with POST /training/${version}/cancel\\)$`,
    ),
  );
  const stoppedIn = answer.stop.stoppedInEpoch;
  assert.ok(stoppedIn > running.epochsDone && stoppedIn < epochs, `stopped in epoch ${stoppedIn}`);
  assert.equal(answer.stop.epochsPlanned, epochs);
  assert.equal(answer.stop.checkpoint.state, 'present');
  assert.equal(answer.stop.checkpoint.epoch, stoppedIn - 1);
  assert.equal(answer.stop.checkpoint.finished, false);
  assert.equal(
    answer.stop.resume.command,
    `holterflow train --data s3://${s3.bucket}/${DATA_KEY} --protocol intra --version ${version} --epochs ${epochs} --seed 5`,
  );
  assert.deepEqual(answer.resumeRequest, { bucket: s3.bucket, ...body(version, epochs) });
  assert.equal(
    (await store.exists(trainCheckpointKey(trainJobId({ version })))) &&
      decodeCheckpoint(await store.get(trainCheckpointKey(trainJobId({ version })))).epoch,
    stoppedIn - 1,
  );

  const stopped = await operator('GET', `/training/${version}`);
  assert.equal(stopped.json.state, 'failed');
  assert.equal(stopped.json.failedReason, answer.failedReason);
  assert.equal(stopped.json.checkpoint.epoch, stoppedIn - 1);
  assertEpochReports(stopped.json.history, stoppedIn - 1, epochs);
  assert.equal(stopped.json.cancelRequest.reason, answer.failedReason.match(/\((cancelled by .*)\)$/)[1]);

  const twice = await operator('POST', `/training/${version}/cancel`);
  assert.equal(twice.status, 200);
  assert.equal(twice.json.outcome, 'already-failed');

  // The resume request replaces the failed job and continues after the checkpoint.
  const resumed = await operator('POST', '/training', answer.resumeRequest);
  assert.equal(resumed.status, 202, JSON.stringify(resumed.json));
  assert.equal(resumed.json.replacedFailed, true);
  const after = (
    await watch(version, 120_000, (s) => s.state === 'active' && s.attemptsMade === 0 && s.latest)
  ).at(-1);
  assert.equal(after.latest.epoch, stoppedIn, 'the first epoch of the resumed job follows the checkpoint');
  assertEpochReports(after.history, stoppedIn, epochs);
  assert.equal(after.cancelRequest, undefined, 'the re-submit cleared the cancel request');
  // Without waiting: 202, the request stands, and the job stops at its next batch all the same.
  const last = await operator('POST', `/training/${version}/cancel`, { timeoutSeconds: 0 });
  assert.equal(last.status, 202, JSON.stringify(last.json));
  assert.equal(last.json.outcome, 'still-running');
  assert.equal(last.json.listening, 1);
  const ended = (await watch(version, 60_000, (s) => s.state !== 'active')).at(-1);
  assert.equal(ended.state, 'failed');
  assert.match(ended.failedReason, /^training cancelled in epoch \d+/);
});

/** The CLI with only the coordinator's URL and an operator key: no Redis, no S3 configuration. */
async function holterflow(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'apps/cli/src/main.ts', ...args],
      {
        cwd: ROOT,
        timeout: 90_000,
        env: isolatedCliEnv({
          NO_COLOR: '1',
          HOLTERFLOW_API_KEY: operatorKey,
          HOLTERFLOW_COORDINATOR_URL: coordinator.base,
        }),
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('the CLI trains, lists, follows and cancels through the API with an operator key', async () => {
  const version = 'api-cli';
  const submitted = await holterflow([
    'train',
    ...['--via', 'api', '--data', `s3://${s3.bucket}/${DATA_KEY}`, '--protocol', 'intra'],
    ...['--version', version, '--epochs', '30', '--seed', '5'],
  ]);
  assert.equal(submitted.code, 0, submitted.stderr);
  assert.equal(
    submitted.stdout.trim(),
    `submitted training job train-${version} (model version ${version}) to queue train`,
  );
  await watch(version, 120_000, (s) => s.state === 'active' && s.epochsDone >= 1);

  const listed = await holterflow(['training']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^version\s+state\s+epochs\s+submitted\s+outcome$/m);
  assert.match(listed.stdout, new RegExp(`^${version}\\s+active\\s+\\d+/30\\s`, 'm'));
  assert.match(listed.stdout, /^api-two-epochs\s+completed\s+2\/2\s+\S+\s+accuracy [01]\.\d{4} macro-F1/m);

  const status = await holterflow(['training', version]);
  assert.equal(status.code, 0, status.stderr);
  assert.match(
    status.stdout,
    new RegExp(`^training job train-${version}: active, epoch \\d+/30 \\(intra on s3://`),
  );
  assert.match(status.stdout, /^epoch\s+loss\s+acc\s+val loss\s+val acc\s+lr\s+s$/m);
  assert.match(status.stdout, /^1\s+\d+\.\d{4}\s+\d\.\d{4}\s/m);
  assert.match(status.stdout, /^checkpoint: epoch \d+ at s3:\/\//m);

  const cancelled = await holterflow(['train', 'cancel', version, '--via', 'api', '--timeout', '60']);
  assert.equal(cancelled.code, 0, `${cancelled.stdout}\n${cancelled.stderr}\n${worker.log}`);
  const lines = cancelled.stdout.trim().split('\n');
  assert.match(
    lines[0],
    /^cancel of running training job train-api-cli requested \(1 train worker listening\)/,
  );
  assert.match(
    lines[1],
    new RegExp(
      `^training job train-${version} cancelled: training cancelled in epoch \\d+ .*\\(cancelled by API key ${operatorKeyId} \\(operator\\)`,
    ),
  );
  const stoppedIn = Number(/^stopped in epoch (\d+) of 30$/m.exec(cancelled.stdout)?.[1]);
  assert.ok(stoppedIn >= 2, cancelled.stdout);
  const checkpointKey = trainCheckpointKey(trainJobId({ version }));
  assert.ok(
    lines.includes(`checkpoint: epoch ${stoppedIn - 1} at s3://${s3.bucket}/${checkpointKey}`),
    cancelled.stdout,
  );
  assert.equal(decodeCheckpoint(await store.get(checkpointKey)).epoch, stoppedIn - 1);
  assert.ok(
    lines.includes(
      `resume (continues after the checkpoint): holterflow train --data s3://${s3.bucket}/${DATA_KEY} ` +
        `--protocol intra --version ${version} --epochs 30 --seed 5`,
    ),
    cancelled.stdout,
  );

  const unknown = await holterflow(['train', 'cancel', 'no-such-version', '--via', 'api']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no training job train-no-such-version in queue train/);

  // --wait follows the job through GET /training/:version and prints its result last.
  const waited = await holterflow([
    'train',
    ...['--via', 'api', '--wait', '--data', `s3://${s3.bucket}/${DATA_KEY}`, '--protocol', 'intra'],
    ...['--version', 'api-cli-wait', '--epochs', '1', '--seed', '5'],
  ]);
  assert.equal(waited.code, 0, `${waited.stderr}\n${worker.log}`);
  const result = JSON.parse(waited.stdout.trim().split('\n').at(-1)!);
  assert.equal(result.version, 'api-cli-wait');
  assert.equal(result.epochs, 1);
  const stored = await operator('GET', '/training/api-cli-wait');
  assert.deepEqual(stored.json.result, result);
});
