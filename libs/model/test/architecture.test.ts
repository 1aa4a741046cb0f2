import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildSeedCnn, SEED_CNN_PARAMETERS } from '../src/index.js';

test('the seed CNN has the report’s 52,357 parameters and layer output shapes', async () => {
  await tf.setBackend('cpu');
  const model = buildSeedCnn();
  assert.equal(model.countParams(), SEED_CNN_PARAMETERS);
  assert.equal(SEED_CNN_PARAMETERS, 52_357);
  const shapes = model.layers
    .filter((l) => l.name !== 'dropout')
    .map((l) => (l.outputShape as (number | null)[]).slice(1));
  assert.deepEqual(shapes, [[187, 32], [93, 32], [93, 64], [46, 64], [46, 128], [128], [128], [5]]);
  model.dispose();
});
