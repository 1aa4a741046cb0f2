/**
 * Inference speed of the seed CNN per engine/backend available here, and how far each one's
 * probabilities are from the tfjs cpu backend's (the reference).
 *   node --import tsx bench/model-inference.ts [--beats 8192] [--repeat 3]
 * The machine is shared: the load average is printed before and after; rates are the best of
 * --repeat runs, as wall-clock beats/s and as beats per CPU-second of this process (all its
 * threads), which other processes' load disturbs much less.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import {
  BEAT_LENGTH,
  BeatClassifier,
  buildSeedCnn,
  initBackend,
  NUM_CLASSES,
  OnnxEngine,
  TfjsEngine,
  type BackendChoice,
  type InferenceEngine,
} from '../libs/model/src/index.js';

const { values } = parseArgs({
  options: { beats: { type: 'string', default: '8192' }, repeat: { type: 'string', default: '3' } },
});
const n = Number(values.beats);
const repeat = Number(values.repeat);
const REFERENCE_BEATS = 64;
const quiet = () => {};

const beats = new Float32Array(n * BEAT_LENGTH);
for (let i = 0; i < beats.length; i++) beats[i] = 0.5 + 0.4 * Math.sin(i / 7) * Math.sin(i / 997);

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(`seed CNN inference, ${n} beats, best of ${repeat}; load average ${load()}`);

await initBackend({ prefer: 'cpu', log: quiet });
const seedModel = buildSeedCnn({ seed: 42 });
const weights = seedModel.getWeights().map((w) => w.dataSync().slice());
const shapes = seedModel.getWeights().map((w) => w.shape);
const reference = await new TfjsEngine(seedModel).predict(
  beats.subarray(0, REFERENCE_BEATS * BEAT_LENGTH),
  REFERENCE_BEATS,
);
seedModel.dispose();

function modelWithSeedWeights() {
  const model = buildSeedCnn({ seed: 42 });
  model.setWeights(weights.map((w, i) => tf.tensor(w, shapes[i])));
  return model;
}

async function measure(label: string, engine: InferenceEngine, count: number): Promise<void> {
  const probs = await engine.predict(beats.subarray(0, REFERENCE_BEATS * BEAT_LENGTH), REFERENCE_BEATS);
  let diff = 0;
  for (let i = 0; i < REFERENCE_BEATS * NUM_CLASSES; i++)
    diff = Math.max(diff, Math.abs(probs[i] - reference[i]));
  let best = 0;
  let bestPerCpu = 0;
  for (let r = 0; r < repeat; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await engine.predict(beats.subarray(0, count * BEAT_LENGTH), count);
    const cpu = process.cpuUsage(cpu0);
    best = Math.max(best, count / ((performance.now() - t0) / 1000));
    bestPerCpu = Math.max(bestPerCpu, count / ((cpu.user + cpu.system) / 1e6));
  }
  const { threads } = engine.info;
  const rates = `${String(Math.round(best)).padStart(6)} beats/s wall, ${String(Math.round(bestPerCpu)).padStart(6)} per CPU-second`;
  console.log(`${label.padEnd(24)} ${rates}, threads ${threads}, max|Δp| vs cpu ${diff.toExponential(1)}`);
}

for (const backend of ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as BackendChoice[]) {
  try {
    const info = await initBackend({ prefer: backend, log: quiet });
    const model = modelWithSeedWeights();
    // The cpu backend is ~50× slower: a smaller sample keeps the benchmark short.
    await measure(
      `tfjs ${info.name}${info.simd ? ' (simd)' : ''}`,
      new TfjsEngine(model),
      backend === 'cpu' ? Math.min(n, 256) : n,
    );
    model.dispose();
  } catch (err) {
    console.log(
      `tfjs ${backend.padEnd(19)} not available: ${(err as Error).message.replace(/^.*cannot load: /, '')}`,
    );
  }
}

await initBackend({ prefer: 'wasm', log: quiet });
const model = modelWithSeedWeights();
for (const threads of [1, 2]) {
  const engine = await OnnxEngine.create(model, { threads });
  await measure(`onnxruntime-node cpu`, engine, n);
  await engine.dispose();
}
const auto = await BeatClassifier.create(model, { log: quiet });
console.log(`BeatClassifier default engine: ${auto.info.engine} (${auto.info.runtime})`);
await auto.dispose();
console.log(`load average after: ${load()}`);
