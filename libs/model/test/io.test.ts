import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  BEAT_LENGTH,
  buildSeedCnn,
  directoryStore,
  initBackend,
  loadModel,
  saveModel,
  type ModelStore,
} from '../src/index.js';

/**
 * Stands in for S3 (an external boundary): libs/model must not import libs/storage, whose
 * ObjectStore has this same put/get shape and has its own tests against s3rver.
 */
function memoryStore(): ModelStore & { keys(): string[] } {
  const objects = new Map<string, Uint8Array>();
  return {
    async put(key, bytes) {
      objects.set(key, bytes.slice());
    },
    async get(key) {
      const bytes = objects.get(key);
      if (!bytes) throw new Error(`no object ${key}`);
      return bytes;
    },
    keys: () => [...objects.keys()].sort(),
  };
}

async function outputs(model: tfl.LayersModel): Promise<Float32Array> {
  const x = tf.tensor3d(
    Float32Array.from({ length: 4 * BEAT_LENGTH }, (_, i) => (i % 37) / 37),
    [4, BEAT_LENGTH, 1],
  );
  const y = model.predict(x) as tf.Tensor;
  const values = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  return values;
}

test('a model version round-trips through an object store with identical outputs', async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  const model = buildSeedCnn({ seed: 5 });
  const store = memoryStore();
  const saved = await saveModel(model, store, 'models/v1/', { version: 'v1' });
  assert.deepEqual(store.keys(), ['models/v1/model.json', 'models/v1/weights.bin']);
  assert.equal(saved.weightBytes, 52_357 * 4);
  const loaded = await loadModel(store, 'models/v1');
  assert.deepEqual(loaded.metadata, { version: 'v1' });
  assert.deepEqual(await outputs(loaded.model), await outputs(model));
  loaded.model.dispose();
  model.dispose();
});

test('a model version round-trips through a local directory; truncated weights are refused', async () => {
  await initBackend({ prefer: 'wasm', log: () => {} });
  const dir = await mkdtemp(join(tmpdir(), 'holterflow-model-'));
  try {
    const model = buildSeedCnn({ seed: 6 });
    await saveModel(model, directoryStore(dir), 'v2');
    assert.deepEqual(await readdir(join(dir, 'v2')), ['model.json', 'weights.bin']);
    const loaded = await loadModel(directoryStore(dir), 'v2');
    assert.deepEqual(await outputs(loaded.model), await outputs(model));
    loaded.model.dispose();
    model.dispose();

    await writeFile(join(dir, 'v2', 'weights.bin'), new Uint8Array(100));
    await assert.rejects(
      loadModel(directoryStore(dir), 'v2'),
      /weights\.bin has 100 bytes; v2\/model\.json describes 209428/,
    );
    await assert.rejects(loadModel(directoryStore(dir), 'missing'), /cannot read model missing\/model\.json/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
