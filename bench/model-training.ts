/**
 * Training speed of the seed CNN (Adam, batch 128, sparse categorical cross-entropy) per path:
 * model.fit and LocalTrainer on one wasm instance, ParallelTrainer over worker threads (one wasm
 * instance each), and the tfjs cpu backend for scale; plus the max |Δ| of one batch's gradients
 * on wasm (our kernels) vs the cpu backend.
 *   node --import tsx bench/model-training.ts [--steps 20] [--repeat 3] [--workers 2]
 * Rates are wall-clock samples/s and samples per CPU-second of this process (all threads,
 * workers included), which other processes' load on the shared machine disturbs much less.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import {
  BEAT_LENGTH,
  buildSeedCnn,
  initBackend,
  LocalTrainer,
  ParallelTrainer,
  type TrainBatch,
  type Trainer,
} from '../libs/model/src/index.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '20' },
    repeat: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
  },
});
const steps = Number(values.steps);
const repeat = Number(values.repeat);
const workers = Number(values.workers);
const BATCH = 128;
const quiet = () => {};
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function makeBatch(n: number, seed: number): TrainBatch {
  const labels = Int32Array.from({ length: n }, (_, i) => (i + seed) % 5);
  const beats = new Float32Array(n * BEAT_LENGTH);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < BEAT_LENGTH; i++)
      beats[b * BEAT_LENGTH + i] =
        (0.3 + 0.15 * labels[b]) * Math.exp(-(((i - 40) / (2 + 3 * labels[b])) ** 2)) +
        0.05 * Math.sin(i * (b + 1));
  return { beats, labels, n };
}
const batches = Array.from({ length: 4 }, (_, i) => makeBatch(BATCH, i));

interface Rate {
  wall: number;
  perCpu: number;
}

/** Best of `repeat` timings of `run`, which processes `samples` samples. */
async function timed(samples: number, times: number, run: () => Promise<unknown>): Promise<Rate> {
  const best = { wall: 0, perCpu: 0 };
  for (let r = 0; r < times; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    const cpu = process.cpuUsage(cpu0);
    best.wall = Math.max(best.wall, samples / ((performance.now() - t0) / 1000));
    best.perCpu = Math.max(best.perCpu, samples / ((cpu.user + cpu.system) / 1e6));
  }
  return best;
}

async function rate(trainer: Trainer, count: number, times = repeat): Promise<Rate> {
  await trainer.trainStep(batches[0]); // warm-up: kernel setup, XNNPACK operator creation
  return timed(count * BATCH, times, async () => {
    for (let s = 0; s < count; s++) await trainer.trainStep(batches[s % batches.length]);
  });
}

const line = (label: string, r: Rate) =>
  console.log(
    `${label.padEnd(34)} ${String(Math.round(r.wall)).padStart(6)} samples/s wall, ${String(Math.round(r.perCpu)).padStart(6)} per CPU-second`,
  );

console.log(`seed CNN training, batch ${BATCH}, ${steps} steps, best of ${repeat}; load average ${load()}`);

// Gradients of one batch: wasm (our kernels) vs the cpu backend, same weights.
async function gradientsOn(
  backend: 'cpu' | 'wasm',
  weights?: Float32Array[],
): Promise<{ grads: Float32Array[]; weights: Float32Array[] }> {
  await initBackend({ prefer: backend, log: quiet });
  const model = buildSeedCnn({ seed: 9, dropout: 0 });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  if (weights) vars.forEach((v, i) => v.assign(tf.tensor(weights[i], v.shape)));
  const x = tf.tensor3d(batches[1].beats.subarray(0, 16 * BEAT_LENGTH), [16, BEAT_LENGTH, 1]);
  const y = tf.oneHot(tf.tensor1d(batches[1].labels.subarray(0, 16), 'int32'), 5);
  const { grads } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(y, tf.log(model.apply(x) as tf.Tensor)) as tf.Scalar,
    vars,
  );
  const out = vars.map((v) => grads[v.name].dataSync() as Float32Array);
  const w = vars.map((v) => (v.dataSync() as Float32Array).slice());
  tf.dispose([x, y, ...Object.values(grads)]);
  model.dispose();
  return { grads: out, weights: w };
}
const cpu = await gradientsOn('cpu');
const wasm = await gradientsOn('wasm', cpu.weights);
let gradDiff = 0;
cpu.grads.forEach((g, i) =>
  g.forEach((v, k) => (gradDiff = Math.max(gradDiff, Math.abs(v - wasm.grads[i][k])))),
);
console.log(`max |Δ gradient| wasm vs cpu (16 beats): ${gradDiff.toExponential(2)}`);

await initBackend({ prefer: 'wasm', log: quiet });
{
  const model = buildSeedCnn({ seed: 1 });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const n = BATCH * Math.max(4, Math.floor(steps / 2));
  const all = makeBatch(n, 0);
  const x = tf.tensor3d(all.beats, [n, BEAT_LENGTH, 1]);
  const y = tf.tensor1d(Float32Array.from(all.labels));
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0 });
  line(
    'model.fit wasm, 1 thread',
    await timed(n, repeat, () => model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0 })),
  );
  tf.dispose([x, y]);
  model.dispose();
}
line('LocalTrainer wasm, 1 thread', await rate(new LocalTrainer(buildSeedCnn({ seed: 1 })), steps));
for (let w = 2; w <= workers; w++) {
  const trainer = await ParallelTrainer.create(buildSeedCnn({ seed: 1 }), { workers: w });
  line(`ParallelTrainer wasm, ${w} workers`, await rate(trainer, steps));
  await trainer.close();
}
await initBackend({ prefer: 'cpu', log: quiet });
// The cpu backend is ~50× slower than wasm: one step, for scale.
line('LocalTrainer tfjs cpu, 1 thread', await rate(new LocalTrainer(buildSeedCnn({ seed: 1 })), 1, 1));
console.log(`load average after: ${load()}`);
