/**
 * Our wasm training kernels against the cpu backend (the reference implementation of tfjs).
 * Tolerance: 1e-5 × max(1, the largest |value| of the cpu result). Inputs and upstream
 * gradients are in [-1, 1]; a filter gradient sums ~1,000 products, so its values reach ~30 and
 * float32 sums taken in another order differ there by ~2e-5 absolute (~1e-6 relative).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { buildSeedCnn, initBackend } from '../src/index.js';

const TOLERANCE = 1e-5;

function seeded(n: number, seed: number): Float32Array {
  // A small LCG: the same pseudo-random values on every backend and run.
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Runs f on the cpu and on the wasm backend and returns both results as plain arrays. */
async function onBothBackends(f: () => tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = async (backend: 'cpu' | 'wasm') => {
    await initBackend({ prefer: backend, log: () => {} });
    const outs = tf.tidy(f);
    const values = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(outs);
    return values;
  };
  return { cpu: await run('cpu'), wasm: await run('wasm') };
}

function assertClose(name: string, r: { cpu: Float32Array[]; wasm: Float32Array[] }): void {
  r.cpu.forEach((c, i) => {
    const d = maxAbsDiff(c, r.wasm[i]);
    const scale = Math.max(1, ...Array.from(c, Math.abs));
    assert.ok(d <= TOLERANCE * scale, `${name} output ${i}: max |wasm - cpu| = ${d}, scale ${scale}`);
  });
}

for (const { k, inC, outC, len } of [
  // The seed CNN's three convolutions, on shorter beats: the cpu backend's reference kernels are slow.
  { k: 5, inC: 1, outC: 32, len: 61 },
  { k: 5, inC: 32, outC: 64, len: 30 },
  { k: 3, inC: 64, outC: 128, len: 15 },
]) {
  test(`Conv2DBackpropFilter and Conv2DBackpropInput (conv1d k=${k}, ${inC}→${outC}, same) match cpu`, async () => {
    const batch = 2;
    const x0 = seeded(batch * len * inC, 1);
    const w0 = seeded(k * inC * outC, 2);
    const dy0 = seeded(batch * len * outC, 3);
    const r = await onBothBackends(() => {
      const x = tf.tensor3d(x0, [batch, len, inC]);
      const w = tf.tensor3d(w0, [k, inC, outC]);
      const dy = tf.tensor3d(dy0, [batch, len, outC]);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.conv1d(a as tf.Tensor3D, b as tf.Tensor3D, 1, 'same'),
      )([x, w], dy);
      return [dx, dw];
    });
    assertClose('conv1d gradients', r);
    assert.ok(
      r.cpu[1].some((v) => v !== 0),
      'the filter gradient is not trivially zero',
    );
  });
}

for (const pad of ['valid', 'same'] as const) {
  test(`MaxPoolGrad (pool 2, stride 2, odd length, ${pad}, with ties) matches cpu`, async () => {
    const [batch, len, ch] = [4, 187, 8];
    const outLen = pad === 'valid' ? 93 : 94;
    const x0 = seeded(batch * len * ch, 4).map((v) => Math.round(v * 4) / 4); // many ties
    const dy0 = seeded(batch * outLen * ch, 5);
    const r = await onBothBackends(() => {
      const x = tf.tensor4d(x0, [batch, 1, len, ch]);
      const dy = tf.tensor4d(dy0, [batch, 1, outLen, ch]);
      return [tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, [1, 2], [1, 2], pad))(x, dy)];
    });
    assertClose('maxPool gradient', r);
  });
}

test('the GlobalMaxPool gradient (Max over time, broadcasting Equal) matches cpu', async () => {
  const [batch, len, ch] = [5, 46, 128];
  const x0 = seeded(batch * len * ch, 6).map((v) => Math.round(v * 8) / 8);
  const dy0 = seeded(batch * ch, 7);
  const r = await onBothBackends(() => {
    const x = tf.tensor3d(x0, [batch, len, ch]);
    const dy = tf.tensor2d(dy0, [batch, ch]);
    return [
      tf.grad((a: tf.Tensor) => tf.max(a, 1))(x, dy),
      tf.cast(tf.equal(x, tf.max(x, 1, true)), 'float32'),
    ];
  });
  assertClose('max gradient', r);
});

test('whole-model gradients on wasm match cpu and model.fit runs on wasm', async () => {
  await initBackend({ prefer: 'cpu', log: () => {} });
  const reference = buildSeedCnn({ seed: 7, dropout: 0 });
  const weights = reference.getWeights().map((w) => w.dataSync().slice());
  reference.dispose();
  const batch = 2;
  const x0 = seeded(batch * 187, 8).map((v) => (v + 1) / 2);
  const labels = Int32Array.from({ length: batch }, (_, i) => (i * 3) % 5);
  const r = await onBothBackends(() => {
    const model = buildSeedCnn({ seed: 7, dropout: 0 });
    model.setWeights(weights.map((w, i) => tf.tensor(w, model.getWeights()[i].shape)));
    const x = tf.tensor3d(x0, [batch, 187, 1]);
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 5);
    const { grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(y, tf.log(model.apply(x) as tf.Tensor)) as tf.Scalar,
    );
    const out = Object.values(grads);
    model.dispose();
    return out;
  });
  assertClose('model gradients', r);

  await initBackend({ prefer: 'wasm', log: () => {} });
  const model = buildSeedCnn({ seed: 7 });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  const x = tf.tensor3d(x0, [batch, 187, 1]);
  const y = tf.tensor1d(Float32Array.from(labels));
  const history = await model.fit(x, y, { epochs: 2, batchSize: 1, verbose: 0 });
  const losses = history.history.loss as number[];
  assert.equal(losses.length, 2);
  assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
  tf.dispose([x, y]);
  model.dispose();
});
