/**
 * Data-parallel training steps (gradients/steps.ts) on the cpu backend: real gradient threads,
 * each with its own backend instance and a model rebuilt from the main model's topology.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  Adam,
  argmaxClasses,
  classificationMetrics,
  createTrainingSteps,
  decodeCheckpoint,
  encodeCheckpoint,
  predictProbabilities,
  shardSizes,
  ShardedSteps,
  trainLoop,
  type TrainingCheckpoint,
} from '../src/index.js';
import { heldOut, train, validation, weightsOf, withoutTiming } from './helpers/loop-fixtures.js';
import { tinyModel } from './helpers/synthetic.js';

before(async () => {
  await tf.setBackend('cpu');
});

const config = { epochs: 3, batchSize: 32, learningRate: 5e-3, seed: 9 };

const variablesOf = (m: ReturnType<typeof tinyModel>) =>
  m.trainableWeights.map((w) => w.read() as tf.Variable);

function maxAbsDiff(a: number[][], b: number[][]): number {
  let max = 0;
  a.forEach((w, i) => w.forEach((v, k) => (max = Math.max(max, Math.abs(v - b[i][k])))));
  return max;
}

test('shards are contiguous, as equal as possible, and never empty', () => {
  assert.deepEqual(shardSizes(128, 2), [64, 64]);
  assert.deepEqual(shardSizes(31, 2), [16, 15]);
  assert.deepEqual(shardSizes(10, 3), [4, 3, 3]);
  assert.deepEqual(shardSizes(1, 4), [1]);
});

test('two threads take the same step as one thread on the whole batch (uneven shards weighted by size)', async () => {
  // Shards draw their own dropout masks, so with dropout on the two paths differ by design:
  // compare them with dropout off (rate 0, which the threads get through the topology).
  const size = 31;
  const x = train.x.slice(0, size * 187);
  const y = train.labels.slice(0, size);
  const results: { loss: number; correct: number; weights: number[][] }[] = [];
  for (const threads of [1, 2]) {
    const model = tinyModel(5);
    (model.layers.find((l) => l.getClassName() === 'Dropout') as unknown as { rate: number }).rate = 0;
    const optimizer = new Adam(variablesOf(model), 1e-2);
    const steps = await createTrainingSteps(model, optimizer, threads);
    try {
      assert.equal(steps.threads, threads);
      let last = { loss: 0, correct: 0 };
      for (let s = 0; s < 3; s++) last = await steps.step(x, y, size, [[11], [12]]);
      results.push({ ...last, weights: weightsOf(model) });
    } finally {
      await steps.close();
      optimizer.dispose();
      model.dispose();
    }
  }
  const [one, two] = results;
  assert.ok(Math.abs(one.loss - two.loss) < 1e-5, `loss ${one.loss} (1 thread) vs ${two.loss} (2 threads)`);
  assert.equal(one.correct, two.correct);
  // Adam moves each weight by up to lr = 1e-2 per step; the two paths agree far below that.
  const initial = weightsOf(tinyModel(5));
  assert.ok(maxAbsDiff(one.weights, initial) > 1e-3, 'training moved the weights');
  assert.ok(
    maxAbsDiff(one.weights, two.weights) < 1e-5,
    `1 vs 2 threads: ${maxAbsDiff(one.weights, two.weights)}`,
  );
});

test('the training loop on two threads learns, and resumes from a checkpoint bit for bit', async () => {
  const checkpoints: TrainingCheckpoint[] = [];
  const full = tinyModel(4);
  const uninterrupted = await trainLoop({
    model: full,
    train,
    validation,
    config,
    threads: 2,
    onCheckpoint: (c) => void checkpoints.push(decodeCheckpoint(encodeCheckpoint(c))),
  });
  const metrics = classificationMetrics(
    heldOut.labels,
    argmaxClasses(await predictProbabilities(full, heldOut.x)),
  );
  assert.ok(metrics.accuracy > 0.8, `held-out accuracy ${metrics.accuracy} (chance 0.2)`);

  const resumedModel = tinyModel(77);
  const resumed = await trainLoop({
    model: resumedModel,
    train,
    validation,
    config,
    threads: 2,
    resumeFrom: checkpoints[0],
  });
  assert.equal(resumed.epochsRun, 2);
  assert.deepEqual(withoutTiming(resumed.history), withoutTiming(uninterrupted.history));
  assert.deepEqual(weightsOf(resumedModel), weightsOf(full));
});

test('ShardedSteps refuses fewer than two threads', async () => {
  const model = tinyModel(1);
  const optimizer = new Adam(variablesOf(model), 1e-3);
  await assert.rejects(ShardedSteps.create(model, optimizer, 1), /at least 2 threads, got 1/);
  optimizer.dispose();
});
