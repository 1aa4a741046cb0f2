/**
 * The engines agree: ONNX (onnxruntime-node) vs tfjs on wasm vs tfjs on the cpu backend, on the
 * same weights. Tolerance 1e-5 absolute on probabilities (float32 kernels that sum in different
 * orders; measured differences are ~1e-7).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { BEAT_LENGTH, BeatClassifier, buildSeedCnn, initBackend, NUM_CLASSES } from '../src/index.js';

const TOLERANCE = 1e-5;
const quiet = () => {};

function beats(n: number): Float32Array {
  // Beat-like shapes in [0,1]: a peak at a varying position on a slow wave.
  const out = new Float32Array(n * BEAT_LENGTH);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < BEAT_LENGTH; i++)
      out[b * BEAT_LENGTH + i] =
        0.3 + 0.2 * Math.sin((i + b) / 20) + 0.5 * Math.exp(-(((i - 20 - (b % 50)) / 4) ** 2));
  return out;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('BeatClassifier gives the same probabilities on onnx, tfjs-wasm and tfjs-cpu', async () => {
  const n = 260; // more than one ONNX batch (256), with a partial last batch
  const nCpu = 24; // the cpu backend is ~50× slower: it checks a prefix
  const x = beats(n);
  const results: Record<string, Float32Array> = {};
  let weights: tf.Tensor[] | undefined;
  for (const [backend, engine, count] of [
    ['cpu', 'tfjs', nCpu],
    ['wasm', 'tfjs', n],
    ['wasm', 'onnx', n],
  ] as const) {
    await initBackend({ prefer: backend, log: quiet });
    const model = buildSeedCnn({ seed: 11 });
    if (weights) model.setWeights(weights);
    else weights = model.getWeights().map((w) => tf.tensor(w.dataSync().slice(), w.shape));
    const classifier = await BeatClassifier.create(model, { engine, log: quiet });
    assert.equal(classifier.info.engine, engine);
    results[`${engine}-${backend}`] = await classifier.predict(x.subarray(0, count * BEAT_LENGTH), count);
    await classifier.dispose();
    model.dispose();
  }
  const onnx = results['onnx-wasm'];
  assert.equal(onnx.length, n * NUM_CLASSES);
  for (let b = 0; b < n; b++) {
    const sum = onnx.slice(b * 5, b * 5 + 5).reduce((s, p) => s + p, 0);
    assert.ok(Math.abs(sum - 1) < 1e-5, `beat ${b} probabilities sum to ${sum}`);
  }
  const vsWasm = maxAbsDiff(onnx, results['tfjs-wasm']);
  const vsCpu = maxAbsDiff(onnx.subarray(0, nCpu * NUM_CLASSES), results['tfjs-cpu']);
  assert.ok(vsWasm <= TOLERANCE, `onnx vs tfjs-wasm ${vsWasm}`);
  assert.ok(vsCpu <= TOLERANCE, `onnx vs tfjs-cpu ${vsCpu}`);
});

test('BeatClassifier rejects a beat buffer whose length is not n × 187 and handles n = 0', async () => {
  await initBackend({ prefer: 'wasm', log: quiet });
  const model = buildSeedCnn({ seed: 1 });
  const classifier = await BeatClassifier.create(model, { log: quiet });
  await assert.rejects(classifier.predict(new Float32Array(186), 1), /1 × 187 samples, got 186/);
  assert.equal((await classifier.predict(new Float32Array(0), 0)).length, 0);
  await classifier.dispose();
  model.dispose();
});
