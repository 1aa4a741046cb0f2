import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { RecordInputError } from '@holterflow/contracts';
import { writeBeatDataset } from '@holterflow/training';
import { ByteWriter, parquetWrite, type ColumnSource } from 'hyparquet-writer';
import { loadModel, saveModel } from '@holterflow/model';
import {
  evaluateModel,
  ModelVersionNotFound,
  predictProbabilities,
  runTraining,
  TrainingCancelledError,
  trainLoop,
  type EpochReport,
} from '../src/index.js';
import { memoryStore } from './helpers/memory-store.js';
import { syntheticBeats, syntheticDataset, tinyModel } from './helpers/synthetic.js';

before(async () => {
  await tf.setBackend('cpu');
});

// Imbalanced like MIT-BIH (N dominant, F rare), small enough for the cpu backend.
const COUNTS = [250, 30, 60, 15, 50];
const dataset = { bytes: writeBeatDataset(syntheticDataset(COUNTS, 21)), name: 'synthetic.parquet' };
const config = { epochs: 3, batchSize: 64, learningRate: 5e-3, seed: 5 };
const buildModel = () => tinyModel(7);

test('a training job writes a complete model version whose test metrics evaluate reproduces', async () => {
  const store = memoryStore();
  const progress: EpochReport[] = [];
  const outcome = await runTraining({
    dataset,
    protocol: 'intra',
    config,
    store,
    version: 'tiny-1',
    onProgress: (r) => void progress.push(r),
    buildModel,
  });
  assert.deepEqual(
    progress.map((p) => p.epoch),
    [1, 2, 3],
  );
  for (const file of [
    'metrics.json',
    'curves.json',
    'curves.svg',
    'config.json',
    'dataset.json',
    'model.json',
    'weights.bin',
  ])
    assert.ok(store.objects.has(`models/tiny-1/${file}`), file);
  assert.ok(
    outcome.test.accuracy > 0.8,
    `test accuracy ${outcome.test.accuracy} (chance 0.2, majority 0.62)`,
  );

  const read = (file: string) =>
    JSON.parse(new TextDecoder().decode(store.objects.get(`models/tiny-1/${file}`)));
  const ds = read('dataset.json');
  // intra split: round(0.2·m) per class to test; then round(0.2·rest) to validation
  assert.deepEqual(ds.counts.test, [50, 6, 12, 3, 10]);
  assert.deepEqual(ds.counts.validation, [40, 5, 10, 2, 8]);
  assert.deepEqual(ds.counts.train, [160, 19, 38, 10, 32]);
  assert.deepEqual(ds.counts.trainAfterSmote, [160, 160, 160, 160, 160]);
  assert.match(ds.sha256, /^[0-9a-f]{64}$/);
  const metrics = read('metrics.json');
  assert.equal(metrics.backend, 'cpu');
  assert.equal(metrics.epochs, 3);
  assert.deepEqual(metrics.test.confusion, outcome.test.confusion);
  assert.equal(read('config.json').seed, 5);
  assert.match(
    new TextDecoder().decode(store.objects.get('models/tiny-1/curves.svg')),
    /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<polyline[\s\S]*<\/svg>\n$/,
  );

  const evaluated = await evaluateModel({ store, version: 'tiny-1', dataset, protocol: 'intra' });
  assert.deepEqual(evaluated.metrics, outcome.test);
  assert.match(evaluated.table, /^class\s+precision/);
});

test('save -> load gives identical predictions', async () => {
  const model = tinyModel(3);
  const train = syntheticBeats([40, 40, 40, 40, 40], 1);
  await trainLoop({
    model,
    train,
    validation: syntheticBeats([10, 10, 10, 10, 10], 2),
    config: { epochs: 1, batchSize: 50, seed: 1 },
  });
  const store = memoryStore();
  await saveModel(model, store, 'models/roundtrip/');
  const { model: loaded } = await loadModel(store, 'models/roundtrip/');
  const probe = syntheticBeats([7, 7, 7, 7, 7], 9).x;
  assert.deepEqual(await predictProbabilities(loaded, probe), await predictProbabilities(model, probe));
});

test('a job cancelled after epoch 2 and run again under its job id resumes at epoch 3 and ends as an uninterrupted one', async () => {
  const store = memoryStore();
  const controller = new AbortController();
  const first: number[] = [];
  await assert.rejects(
    runTraining({
      dataset,
      protocol: 'intra',
      config: { ...config, epochs: 4 },
      store,
      version: 'resume-1',
      jobId: 'job-resume',
      buildModel,
      signal: controller.signal,
      onProgress: (r) => {
        first.push(r.epoch);
        if (r.epoch === 2) controller.abort();
      },
    }),
    TrainingCancelledError,
  );
  assert.deepEqual(first, [1, 2]);
  assert.ok(store.objects.has('training/job-resume/checkpoint/latest.bin'));
  assert.ok(!store.objects.has('models/resume-1/model.json'), 'no model version from a cancelled job');

  const second: number[] = [];
  const resumed = await runTraining({
    dataset,
    protocol: 'intra',
    config: { ...config, epochs: 4 },
    store,
    version: 'resume-1',
    jobId: 'job-resume',
    buildModel,
    onProgress: (r) => void second.push(r.epoch),
  });
  assert.deepEqual(second, [3, 4]);
  assert.equal(resumed.resumedFromEpoch, 2);

  const straight = await runTraining({
    dataset,
    protocol: 'intra',
    config: { ...config, epochs: 4 },
    store: memoryStore(),
    version: 'resume-1',
    buildModel,
  });
  const strip = (h: EpochReport[]) => h.map(({ secondsPerEpoch: _s, eta: _e, ...rest }) => rest);
  assert.deepEqual(strip(resumed.history), strip(straight.history));
  assert.deepEqual(resumed.test, straight.test);

  await assert.rejects(
    runTraining({
      dataset,
      protocol: 'intra',
      config: { ...config, seed: 6 },
      store,
      version: 'resume-1',
      jobId: 'job-resume',
      buildModel,
    }),
    /already has a checkpoint from another dataset, protocol, version or config/,
  );
});

/** A beat dataset Parquet whose beats are 180 samples wide (x000..x179): what an old cut would give. */
function narrowDatasetBytes(): Uint8Array {
  const ds = syntheticDataset([20, 5, 5, 5, 5], 1);
  const n = ds.labels.length;
  const columnData: ColumnSource[] = [
    { name: 'record_id', data: ds.recordIds, type: 'STRING', nullable: false },
    { name: 'sample', data: ds.samples, type: 'INT32', nullable: false },
    { name: 'symbol', data: ds.symbols, type: 'STRING', nullable: false },
    { name: 'aami', data: ds.aami, type: 'STRING', nullable: false },
    { name: 'label', data: ds.labels, type: 'INT32', nullable: false },
    { name: 'rr_prev_ms', data: ds.rrPrevMs, type: 'FLOAT', nullable: false },
    { name: 'rr_next_ms', data: ds.rrNextMs, type: 'FLOAT', nullable: false },
    { name: 'rr_local_ms', data: ds.rrLocalMs, type: 'FLOAT', nullable: false },
    ...Array.from({ length: 180 }, (_, k): ColumnSource => ({
      name: `x${String(k).padStart(3, '0')}`,
      data: Float32Array.from({ length: n }, (_, i) => ds.x[i * 187 + k]),
      type: 'FLOAT',
      nullable: false,
    })),
  ];
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    columnData,
    kvMetadata: [
      { key: 'holterflow.beat_fs', value: '125' },
      { key: 'holterflow.beat_length', value: '187' },
      { key: 'holterflow.segmentation', value: ds.segmentation },
    ],
  });
  return new Uint8Array(writer.getBuffer());
}

test('bad input: beats of the wrong width, NaN samples, an empty class, a dataset without DS1/DS2 records, a missing model version', async () => {
  const store = memoryStore();
  await assert.rejects(
    runTraining({
      dataset: { bytes: narrowDatasetBytes(), name: 'narrow.parquet' },
      protocol: 'intra',
      config,
      store,
      version: 'x',
      buildModel,
    }),
    (err: unknown) =>
      err instanceof RecordInputError &&
      /columns missing: x180, x181/.test(err.message) &&
      err.file === 'narrow.parquet',
  );
  const withNaN = syntheticDataset(COUNTS, 1);
  withNaN.x[5 * 187 + 40] = NaN;
  await assert.rejects(
    runTraining({
      dataset: { bytes: writeBeatDataset(withNaN), name: 'nan.parquet' },
      protocol: 'intra',
      config,
      store,
      version: 'x',
      buildModel,
    }),
    (err: unknown) =>
      err instanceof RecordInputError &&
      /beat 5 \(x040\) is not a finite number/.test(err.message) &&
      err.file === 'nan.parquet',
  );
  const noF = { bytes: writeBeatDataset(syntheticDataset([100, 20, 20, 0, 20], 1)), name: 'nof.parquet' };
  await assert.rejects(
    runTraining({ dataset: noF, protocol: 'intra', config, store, version: 'x', buildModel }),
    (err: unknown) =>
      err instanceof RecordInputError && /training part has no beats of class F/.test(err.message),
  );
  await assert.rejects(
    runTraining({
      dataset: {
        bytes: writeBeatDataset(syntheticDataset(COUNTS, 1, ['101', '106'])),
        name: 'ds1-only.parquet',
      },
      protocol: 'inter',
      config,
      store,
      version: 'x',
      buildModel,
    }),
    (err: unknown) =>
      err instanceof RecordInputError &&
      /needs MIT-BIH DS1 and DS2 records; this dataset has \d+ DS1 and 0 DS2 beats/.test(err.message),
  );
  await assert.rejects(
    evaluateModel({ store, version: 'v-missing', dataset, protocol: 'intra' }),
    (err: unknown) =>
      err instanceof ModelVersionNotFound &&
      /model version v-missing does not exist \(no models\/v-missing\/model.json\)/.test(err.message),
  );
  assert.equal(store.objects.size, 0, 'nothing written for rejected input');
});

test('publishEachEpoch writes an interim version after each epoch, then the complete one', async () => {
  const store = memoryStore();
  const metricsKey = 'models/interim-1/metrics.json';
  const seenAfterEpoch: { epoch: number; metrics: Record<string, unknown> | undefined }[] = [];
  const outcome = await runTraining({
    dataset,
    protocol: 'intra',
    config,
    store,
    version: 'interim-1',
    jobId: 'job-interim',
    publishEachEpoch: true,
    buildModel,
    // onProgress runs after the epoch's checkpoint (and so after its interim publish).
    onProgress: (r) => {
      const bytes = store.objects.get(metricsKey);
      seenAfterEpoch.push({ epoch: r.epoch, metrics: bytes && JSON.parse(new TextDecoder().decode(bytes)) });
    },
  });
  assert.deepEqual(
    seenAfterEpoch.map((s) => s.epoch),
    [1, 2, 3],
  );
  for (const { epoch, metrics } of seenAfterEpoch.slice(0, -1)) {
    assert.equal(metrics?.complete, false);
    assert.equal(metrics?.epochs, epoch);
    assert.equal(metrics?.plannedEpochs, config.epochs);
    assert.match(String(metrics?.note), /interim version.*job-interim/);
  }
  const final = JSON.parse(new TextDecoder().decode(store.objects.get(metricsKey)));
  assert.equal(final.complete, true);
  assert.equal(final.epochs, config.epochs);
  assert.equal(final.note, undefined);
  assert.deepEqual(final.test, outcome.test);
  // The interim version is a loadable model, evaluated on the same untouched test part.
  const { model } = await loadModel(store, 'models/interim-1/');
  assert.equal(model.countParams(), buildModel().countParams());
});
