/**
 * A training worker killed mid-run (SIGKILL, no goodbye) and a second worker: BullMQ finds the
 * job stalled, hands it to the second worker, and training continues after the last checkpointed
 * epoch rather than from epoch 1. Real Redis, real s3rver, the seed CNN on a small synthetic
 * beat dataset.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Queue } from 'bullmq';
import {
  JOB_CONTRACTS,
  QUEUES,
  trainJobId,
  type TrainJobInput,
  type TrainResult,
} from '@holterflow/contracts';
import { writeBeatDataset } from '@holterflow/training';
import { ObjectStore } from '@holterflow/storage';
import { connectTestRedis } from '../../../test/support/redis.js';
import { startS3rver } from '../../../test/support/s3rver.js';
import { syntheticDataset } from '../../../libs/training/test/helpers/synthetic.js';

const CHILD = new URL('./support/train-worker-child.ts', import.meta.url).pathname;

function startWorker(env: Record<string, string>, onEpoch: (epoch: number) => void): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ...env, HOLTERFLOW_TF_BACKEND: 'wasm' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return; // the backend's log line
    const message = JSON.parse(line) as { epoch?: number };
    if (message.epoch !== undefined) onEpoch(message.epoch);
  });
  return child;
}

test(
  "a killed training worker's job is resumed by another worker from its checkpoint, not from epoch 1",
  { timeout: 300_000 },
  async () => {
    const s3 = await startS3rver();
    const redis = await connectTestRedis(import.meta.url);
    const store = new ObjectStore(s3.config);
    const queue = new Queue(QUEUES.train, { connection: redis.newConnection(), prefix: redis.prefix });
    const children: ChildProcess[] = [];
    try {
      await store.put(
        'datasets/synthetic.parquet',
        writeBeatDataset(syntheticDataset([250, 30, 60, 15, 50], 21)),
      );
      const data: TrainJobInput = {
        bucket: s3.bucket,
        dataKey: 'datasets/synthetic.parquet',
        protocol: 'intra',
        version: 'kill-resume',
        config: { epochs: 4, batchSize: 64, seed: 5 },
      };
      const jobId = trainJobId({ version: data.version });
      await queue.add(JOB_CONTRACTS[QUEUES.train].name, data, { jobId, attempts: 3 });
      const env = { ...redis.env, TRAIN_CHILD_STORAGE: JSON.stringify(s3.config) };

      const firstEpochs: number[] = [];
      const first = startWorker(env, (epoch) => {
        firstEpochs.push(epoch);
        // Progress comes after the epoch's checkpoint is stored: kill right there.
        if (epoch === 1) first.kill('SIGKILL');
      });
      children.push(first);
      await new Promise((resolve) => first.once('exit', resolve));
      assert.deepEqual(firstEpochs, [1]);
      assert.ok(await store.exists(`training/${jobId}/checkpoint/latest.bin`), 'checkpoint of epoch 1 on S3');

      const secondEpochs: number[] = [];
      const second = startWorker(env, (epoch) => secondEpochs.push(epoch));
      children.push(second);
      const job = await queue.getJob(jobId);
      assert.ok(job);
      const deadline = Date.now() + 240_000;
      let state = await job.getState();
      while (state !== 'completed' && state !== 'failed' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        state = await queue.getJobState(jobId);
      }
      assert.equal(state, 'completed', `job ended ${state}`);
      const result = (await queue.getJob(jobId))!.returnvalue as TrainResult;
      assert.equal(result.resumedFromEpoch, 1);
      assert.deepEqual(secondEpochs, [2, 3, 4]);
      assert.equal(result.epochs, 4);
      assert.ok(await store.exists('models/kill-resume/model.json'));
    } finally {
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await queue.close();
      await redis.cleanup();
      store.destroy();
      await s3.stop();
    }
  },
);
