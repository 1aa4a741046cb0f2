import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  argmaxClasses,
  classificationMetrics,
  decodeCheckpoint,
  encodeCheckpoint,
  predictProbabilities,
  TrainingCancelledError,
  trainLoop,
  type EpochReport,
  type TrainingCheckpoint,
} from '../src/index.js';
import { heldOut, train, validation, weightsOf, withoutTiming } from './helpers/loop-fixtures.js';
import { tinyModel } from './helpers/synthetic.js';

before(async () => {
  await tf.setBackend('cpu');
});

const config = { epochs: 4, batchSize: 32, learningRate: 5e-3, seed: 9 };

test('a small configuration learns separable beats well above chance on held-out beats', async () => {
  const model = tinyModel(1);
  const reports: EpochReport[] = [];
  const result = await trainLoop({ model, train, validation, config, onEpoch: (r) => void reports.push(r) });
  assert.equal(reports.length, 4);
  assert.deepEqual(
    reports.map((r) => r.epoch),
    [1, 2, 3, 4],
  );
  assert.ok(
    reports[3].loss < reports[0].loss,
    `training loss fell (${reports[0].loss} -> ${reports[3].loss})`,
  );
  for (const r of reports) assert.ok(r.eta >= 0 && r.secondsPerEpoch > 0 && r.lr === 5e-3);
  assert.equal(reports[3].eta, 0);
  const predicted = argmaxClasses(await predictProbabilities(model, heldOut.x));
  const metrics = classificationMetrics(heldOut.labels, predicted);
  assert.ok(metrics.accuracy > 0.8, `held-out accuracy ${metrics.accuracy} (chance 0.2)`);
  assert.equal(result.bestEpoch, reports.reduce((b, r) => (r.valLoss < b.valLoss ? r : b)).epoch);
});

test('resuming from the epoch-2 checkpoint continues at epoch 3 and ends identical to an uninterrupted run', async () => {
  const checkpoints: TrainingCheckpoint[] = [];
  const full = tinyModel(4);
  const uninterrupted = await trainLoop({
    model: full,
    train,
    validation,
    config,
    onCheckpoint: (c) => void checkpoints.push(decodeCheckpoint(encodeCheckpoint(c))),
  });
  assert.deepEqual(
    checkpoints.map((c) => c.epoch),
    [1, 2, 3, 4],
  );
  assert.equal(checkpoints[3].finished, true);

  const resumedModel = tinyModel(123); // different initial weights: the checkpoint must overwrite them
  const epochsSeen: number[] = [];
  const resumed = await trainLoop({
    model: resumedModel,
    train,
    validation,
    config,
    resumeFrom: checkpoints[1],
    onEpoch: (r) => void epochsSeen.push(r.epoch),
  });
  assert.deepEqual(epochsSeen, [3, 4]);
  assert.equal(resumed.epochsRun, 2);
  assert.deepEqual(withoutTiming(resumed.history), withoutTiming(uninterrupted.history));
  assert.deepEqual(weightsOf(resumedModel), weightsOf(full));
});

test('cancellation stops at the next batch boundary and says where', async () => {
  const controller = new AbortController();
  const model = tinyModel(6);
  await assert.rejects(
    trainLoop({
      model,
      train,
      validation,
      config,
      signal: controller.signal,
      onEpoch: () => controller.abort(),
    }),
    (err: unknown) =>
      err instanceof TrainingCancelledError &&
      err.epoch === 2 &&
      err.batch === 0 &&
      /cancelled in epoch 2 before batch 1 of 10/.test(err.message),
  );
});
