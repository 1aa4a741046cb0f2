/**
 * Training speed of the seed CNN (Adam, batch 128, sparse categorical cross-entropy) per path:
 * model.fit on one wasm instance; the training loop's own steps (libs/training gradients/steps.ts)
 * on 1..--threads threads (one wasm instance each, data-parallel); a whole epoch of the real
 * training loop (trainLoop: shuffle, steps, validation) on 1 and --threads threads; and the tfjs
 * cpu backend for scale; plus the max |Δ| of one batch's gradients on wasm (our kernels) vs cpu.
 *   node --import tsx bench/model-training.ts [--steps 20] [--repeat 3] [--threads 2]
 * Rates are wall-clock samples/s and samples per CPU-second of this process (all threads,
 * workers included), which other processes' load on the shared machine disturbs much less.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { BEAT_LENGTH, buildSeedCnn, initBackend } from '../libs/model/src/index.js';
import { Adam, createTrainingSteps, trainLoop } from '../libs/training/src/index.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '20' },
    repeat: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
  },
});
const steps = Number(values.steps);
const repeat = Number(values.repeat);
const maxThreads = Number(values.threads);
const BATCH = 128;
const quiet = () => {};
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

interface Batch {
  beats: Float32Array;
  labels: Int32Array;
  n: number;
}

function makeBatch(n: number, seed: number): Batch {
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

/** The loop's step (Adam on the main thread, gradients on `threads` threads) on fixed batches. */
async function stepRate(threads: number, count: number, times = repeat): Promise<Rate> {
  const model = buildSeedCnn({ seed: 1 });
  const optimizer = new Adam(
    model.trainableWeights.map((w) => w.read() as tf.Variable),
    1e-3,
  );
  const steps = await createTrainingSteps(model, optimizer, threads);
  const seeds = Array.from({ length: threads }, (_, s) => [s + 1]);
  const run = (b: Batch) => steps.step(b.beats, b.labels, b.n, seeds);
  try {
    await run(batches[0]); // warm-up: kernel setup, XNNPACK operator creation
    return await timed(count * BATCH, times, async () => {
      for (let s = 0; s < count; s++) await run(batches[s % batches.length]);
    });
  } finally {
    await steps.close();
    optimizer.dispose();
    model.dispose();
  }
}

/**
 * One whole epoch of trainLoop over `samples` synthetic beats (validation on 1/8 of them), as the
 * loop itself times it (shuffle, steps, validation; not the threads' start-up before it).
 */
async function epochRate(threads: number, samples: number): Promise<Rate> {
  const train = makeBatch(samples, 3);
  const validation = makeBatch(Math.ceil(samples / 8), 4);
  const model = buildSeedCnn({ seed: 1 });
  try {
    const cpu0 = process.cpuUsage();
    const { history } = await trainLoop({
      model,
      train: { x: train.beats, labels: train.labels },
      validation: { x: validation.beats, labels: validation.labels },
      config: { epochs: 1 },
      threads,
    });
    const cpu = process.cpuUsage(cpu0);
    return { wall: samples / history[0].secondsPerEpoch, perCpu: samples / ((cpu.user + cpu.system) / 1e6) };
  } finally {
    model.dispose();
  }
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
for (let t = 1; t <= maxThreads; t++)
  line(`loop steps wasm, ${t} thread${t > 1 ? 's' : ''}`, await stepRate(t, steps));
const epochSamples = BATCH * steps * 5;
for (const t of new Set([1, maxThreads]))
  line(`trainLoop epoch wasm, ${t} thread${t > 1 ? 's' : ''}`, await epochRate(t, epochSamples));
await initBackend({ prefer: 'cpu', log: quiet });
// The cpu backend is ~50× slower than wasm: one step, for scale.
line('loop steps tfjs cpu, 1 thread', await stepRate(1, 1, 1));
console.log(`load average after: ${load()}`);
