import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BEAT_LENGTH,
  buildSeedCnn,
  initBackend,
  LocalTrainer,
  ParallelTrainer,
  type TrainBatch,
} from '../src/index.js';

function batch(n: number): TrainBatch {
  const labels = Int32Array.from({ length: n }, (_, i) => i % 5);
  const beats = new Float32Array(n * BEAT_LENGTH);
  // Each class gets its own peak height and width (the CNN's global max pool ignores position),
  // so a few steps visibly lower the loss.
  for (let b = 0; b < n; b++) {
    const c = labels[b];
    for (let i = 0; i < BEAT_LENGTH; i++)
      beats[b * BEAT_LENGTH + i] =
        (0.3 + 0.15 * c) * Math.exp(-(((i - 40 - (b % 7)) / (2 + 3 * c)) ** 2)) + 0.02 * Math.sin(i + b);
  }
  return { beats, labels, n };
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((w, i) => w.forEach((v, k) => (m = Math.max(m, Math.abs(v - b[i][k])))));
  return m;
}

test('LocalTrainer lowers the loss on wasm and rejects malformed batches', async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  const trainer = new LocalTrainer(buildSeedCnn({ seed: 2, dropout: 0 }), 1e-2);
  const data = batch(40);
  const first = await trainer.trainStep(data);
  let last = first;
  for (let i = 0; i < 10; i++) last = await trainer.trainStep(data);
  assert.ok(last < first * 0.5, `loss ${first} → ${last}`);
  await trainer.setLearningRate(5e-4);
  assert.equal(trainer.learningRate, 5e-4);
  await assert.rejects(
    trainer.trainStep({ ...data, labels: data.labels.map(() => 7) }),
    /class index 7 is outside 0..4/,
  );
  await assert.rejects(trainer.trainStep({ ...data, n: 41 }), /n > 0 beats of 187 samples/);
});

test('ParallelTrainer keeps its workers bit-identical and follows the single-thread trainer', async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  const data = batch(31); // uneven shards (16 + 15): the average must weight them by size
  const local = new LocalTrainer(buildSeedCnn({ seed: 3, dropout: 0 }));
  const initial = await local.weights();
  const parallel = await ParallelTrainer.create(buildSeedCnn({ seed: 3, dropout: 0 }), {
    workers: 2,
    dropout: 0,
  });
  try {
    for (let step = 0; step < 3; step++) {
      const [a, b] = [await local.trainStep(data), await parallel.trainStep(data)];
      assert.ok(Math.abs(a - b) < 1e-5, `step ${step}: loss ${a} (local) vs ${b} (parallel)`);
    }
    const [w0, w1] = await parallel.allWeights();
    assert.equal(maxAbsDiff(w0, w1), 0, 'worker copies differ');
    const localWeights = await local.weights();
    // Adam moves each weight by up to lr = 1e-3 per step; the two must agree far below that.
    assert.ok(maxAbsDiff(localWeights, initial) > 1e-3, 'training moved the weights');
    assert.ok(maxAbsDiff(w0, localWeights) < 1e-4, `parallel vs local ${maxAbsDiff(w0, localWeights)}`);
  } finally {
    await parallel.close();
  }
});
