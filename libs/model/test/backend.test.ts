import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { currentBackend, initBackend, parseBackendPreference } from '../src/index.js';
import { readVariable } from '@holterflow/contracts';

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

// The library reads no environment: apps read HOLTERFLOW_TF_BACKEND through the configuration
// schema and pass it as `prefer`, which is what this does.
test('HOLTERFLOW_TF_BACKEND forces a backend; unknown names are refused', async () => {
  const prefer = (value: string) => async () =>
    readVariable({ HOLTERFLOW_TF_BACKEND: value }, 'HOLTERFLOW_TF_BACKEND');
  const info = await initBackend({ prefer: await prefer('cpu')(), log: () => {} });
  assert.equal(info.name, 'cpu');
  assert.equal(info.kind, 'js-cpu');
  assert.equal(tf.getBackend(), 'cpu');
  await assert.rejects(prefer('webgpu'), /unknown TensorFlow\.js backend 'webgpu'/);
  assert.equal(parseBackendPreference(''), 'auto');
});
