import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { currentBackend, initBackend, parseBackendPreference } from '../src/index.js';

const require = createRequire(import.meta.url);
function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}
const nativeInstalled = installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu');

test(
  'auto picks wasm when no native backend is installed and logs why the others were skipped',
  { skip: nativeInstalled && 'a native tfjs backend is installed here, so auto does not fall back to wasm' },
  async () => {
    const lines: string[] = [];
    const info = await initBackend({ prefer: 'auto', log: (l) => lines.push(l) });
    assert.equal(info.name, 'wasm');
    assert.equal(info.kind, 'wasm');
    assert.equal(info.simd, true);
    assert.equal(info.threads, 1);
    assert.equal(tf.getBackend(), 'wasm');
    assert.deepEqual(
      info.skipped.map((s) => s.name),
      ['tfjs-node-gpu', 'tfjs-node'],
    );
    assert.equal(lines.length, 1);
    assert.match(
      lines[0],
      /backend wasm \(wasm, simd true, threads 1, tfjs 4\.22\.0\); skipped tfjs-node-gpu: .*not installed/,
    );
    assert.equal(currentBackend(), info);
  },
);

test(
  'a forced backend that cannot load is an error, not a fallback',
  { skip: installed('@tensorflow/tfjs-node') && '@tensorflow/tfjs-node is installed here' },
  async () => {
    await assert.rejects(
      initBackend({ prefer: 'tfjs-node', log: () => {} }),
      /'tfjs-node' was forced but cannot load/,
    );
  },
);

test('HOLTERFLOW_TF_BACKEND forces a backend; unknown names are refused', async () => {
  const saved = process.env.HOLTERFLOW_TF_BACKEND;
  try {
    process.env.HOLTERFLOW_TF_BACKEND = 'cpu';
    const info = await initBackend({ log: () => {} });
    assert.equal(info.name, 'cpu');
    assert.equal(info.kind, 'js-cpu');
    assert.equal(tf.getBackend(), 'cpu');
    process.env.HOLTERFLOW_TF_BACKEND = 'webgpu';
    await assert.rejects(initBackend({ log: () => {} }), /unknown TensorFlow\.js backend 'webgpu'/);
  } finally {
    if (saved === undefined) delete process.env.HOLTERFLOW_TF_BACKEND;
    else process.env.HOLTERFLOW_TF_BACKEND = saved;
  }
  assert.equal(parseBackendPreference(''), 'auto');
});
