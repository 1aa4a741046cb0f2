/**
 * readCheckpoint against s3rver over HTTP: the header of a checkpoint libs/training wrote says
 * the same epoch, history and finished flag as the full decode, from two range reads; a missing
 * object, a bucket the caller does not serve and an object that is not a checkpoint are reports,
 * not exceptions (a status request must answer whatever is in the bucket).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { trainCheckpointKey, type TrainProgress } from '@holterflow/contracts';
import { ObjectStore } from '@holterflow/storage';
import { INITIAL_SCHEDULE, decodeCheckpoint, encodeCheckpoint } from '@holterflow/training';
import { readCheckpoint } from '../src/checkpoint.js';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';

let s3: S3rverHandle;
let store: ObjectStore;

before(async () => {
  s3 = await startS3rver();
  store = new ObjectStore(s3.config);
});

after(async () => {
  store.destroy();
  await s3.stop();
});

const report = (epoch: number): TrainProgress => ({
  epoch,
  epochs: 40,
  loss: 1 / epoch,
  acc: 0.5 + epoch / 100,
  valLoss: 1.1 / epoch,
  valAcc: 0.45 + epoch / 100,
  lr: 1e-3,
  secondsPerEpoch: 12.5,
  eta: (40 - epoch) * 12.5,
});

test('the header of a stored checkpoint: epoch, every epoch report and finished, as the full decode has them', async () => {
  const weights = [new Float32Array(50_000).fill(0.25), new Float32Array([1, 2, 3])];
  const bytes = encodeCheckpoint({
    epoch: 3,
    weights,
    optimizer: { iterations: 30, m: weights, v: weights },
    learningRate: 1e-3,
    // bestValLoss Infinity: JSON has none, the header marks it.
    schedule: { ...INITIAL_SCHEDULE, bestEpoch: 3 },
    bestWeights: weights,
    rngState: 12345,
    history: [report(1), report(2), report(3)],
    finished: false,
  });
  const jobId = 'train-header-test';
  await store.put(trainCheckpointKey(jobId), bytes);
  let bytesRead = 0;
  const counting = {
    exists: (key: string) => store.exists(key),
    getRange: async (key: string, start: number, end: number) => {
      const got = await store.getRange(key, start, end);
      bytesRead += got.length;
      return got;
    },
  };
  const read = await readCheckpoint({ storeFor: () => counting }, s3.bucket, jobId);
  assert.equal(read.state, 'present');
  if (read.state !== 'present') return;
  assert.equal(read.location, `s3://${s3.bucket}/training/${jobId}/checkpoint/latest.bin`);
  const full = decodeCheckpoint(bytes);
  assert.equal(read.epoch, full.epoch);
  assert.equal(read.finished, full.finished);
  assert.deepEqual(read.history, full.history);
  // The weights stay on S3: only the preamble and the JSON header were read.
  assert.ok(bytes.length > 600_000, `the checkpoint is ${bytes.length} bytes`);
  assert.ok(bytesRead > 12 && bytesRead < 5_000, `read ${bytesRead} bytes`);
});

test('no checkpoint, a bucket not served, and an object that is not a checkpoint are reported as such', async () => {
  assert.deepEqual(await readCheckpoint({ storeFor: () => store }, s3.bucket, 'train-none'), {
    state: 'none',
    location: `s3://${s3.bucket}/training/train-none/checkpoint/latest.bin`,
  });
  assert.deepEqual(await readCheckpoint({ storeFor: () => undefined }, 'elsewhere', 'train-x'), {
    state: 'not-served',
    location: 's3://elsewhere/training/train-x/checkpoint/latest.bin',
  });
  await store.put(trainCheckpointKey('train-garbage'), 'PK\u0003\u0004 not a checkpoint at all');
  const garbage = await readCheckpoint({ storeFor: () => store }, s3.bucket, 'train-garbage');
  assert.equal(garbage.state, 'unreadable');
  assert.match(
    garbage.state === 'unreadable' ? garbage.problem : '',
    /training\/train-garbage\/checkpoint\/latest\.bin is not a HolterFlow training checkpoint/,
  );
});
