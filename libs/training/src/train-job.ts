/**
 * One training job, from beat-dataset bytes to a model version in the object store:
 *
 *   split by protocol → stratified 80/20 train/validation → SMOTE on the train part only →
 *   seed CNN trained by trainLoop (checkpoint every epoch) → test metrics on the untouched test
 *   part → models/<version>/{metrics.json, curves.svg, curves.json, config.json, dataset.json}
 *   and, last, model.json + weights.bin (so a model.json means a complete version).
 *
 * With a jobId, every epoch's checkpoint goes to keys.trainingCheckpoint(jobId), and a job run
 * again under the same id (a retry after a crash) continues after the last checkpointed epoch.
 * The checkpoint's identity (dataset hash, protocol, config, version) must match, or the job
 * refuses to resume rather than mixing two trainings.
 */
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { keys } from '@holterflow/contracts';
import { readBeatDataset } from './dataset/index.js';
import { buildSeedCnn, saveModel, type SeedCnnOptions } from '@holterflow/model';
import { countPerClass, selectBeats } from './beats.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { curvesData, curvesSvg } from './curves.js';
import {
  LOOP_DEFAULTS,
  resolveLoopConfig,
  setModelWeights,
  trainLoop,
  type EpochReport,
  type LoopConfig,
  type TrainingCheckpoint,
} from './loop.js';
import {
  classificationMetrics,
  formatMetricsTable,
  SEED_TEST_METRICS,
  type ClassificationMetrics,
} from './metrics.js';
import { argmaxClasses, predictProbabilities } from './predict.js';
import { splitForProtocol, type Protocol } from './protocol.js';
import { smote } from './smote.js';
import { stratifiedSplit } from './split.js';
import type { TrainingStore } from './store.js';

export interface TrainingConfig extends LoopConfig {
  /** Share of the training part held out for validation (stratified; the seed's 0.2). */
  validationFraction: number;
  smoteK: number;
  dropout: number;
}

export const TRAINING_DEFAULTS: TrainingConfig = {
  ...LOOP_DEFAULTS,
  validationFraction: 0.2,
  smoteK: 5,
  dropout: 0.5,
};

export interface RunTrainingOptions {
  /** The beat dataset's Parquet bytes (libs/ecg schema) and a name for messages and metadata. */
  dataset: { bytes: Uint8Array; name: string };
  protocol: Protocol;
  config?: Partial<TrainingConfig>;
  store: TrainingStore;
  version: string;
  /** Enables per-epoch checkpoints and resuming under keys.trainingCheckpoint(jobId). */
  jobId?: string;
  onProgress?: (report: EpochReport) => void | Promise<void>;
  signal?: AbortSignal;
  /**
   * After every epoch but the last, also publish models/<version>/ from the best weights so far,
   * marked `complete: false` in metrics.json (the final publish overwrites it).
   */
  publishEachEpoch?: boolean;
  /**
   * Threads computing gradients (default 1): a property of the host, not of the model, so it is
   * recorded in metrics.json but not in the config a checkpoint must match.
   */
  threads?: number;
  /** The architecture; the seed CNN unless a test wants a smaller one. */
  buildModel?: (options: SeedCnnOptions) => tfl.LayersModel;
}

export interface DatasetSummary {
  name: string;
  sha256: string;
  beats: number;
  /** Beats per class N, S, V, F, Q in each part. */
  counts: { all: number[]; train: number[]; validation: number[]; trainAfterSmote: number[]; test: number[] };
}

export interface TrainingOutcome {
  version: string;
  test: ClassificationMetrics;
  table: string;
  history: EpochReport[];
  bestEpoch: number;
  resumedFromEpoch: number;
  keys: string[];
}

const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

export function resolveTrainingConfig(config: Partial<TrainingConfig> = {}): TrainingConfig {
  const loop = resolveLoopConfig(config);
  const c = { ...TRAINING_DEFAULTS, ...config, ...loop };
  if (!(c.validationFraction > 0 && c.validationFraction < 1))
    throw new RangeError(`validationFraction must be in (0, 1), got ${c.validationFraction}`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new RangeError(`dropout must be in [0, 1), got ${c.dropout}`);
  return c;
}

export async function runTraining(options: RunTrainingOptions): Promise<TrainingOutcome> {
  const started = performance.now();
  const config = resolveTrainingConfig(options.config);
  const { store, version, protocol } = options;
  const source = options.dataset.name;
  const modelPrefix = keys.modelPrefix(version);
  const sha256 = createHash('sha256').update(options.dataset.bytes).digest('hex');

  const ds = await readBeatDataset(options.dataset.bytes, source);
  // Seeds for each random stage derive from config.seed, so one number reproduces the run.
  const split = splitForProtocol(ds, protocol, config.seed, source);
  const trainLabels = Int32Array.from(split.train, (i) => ds.labels[i]);
  const inner = stratifiedSplit(trainLabels, config.validationFraction, config.seed + 1);
  const trainPart = selectBeats(
    ds,
    Array.from(inner.train, (i) => split.train[i]),
  );
  const validation = selectBeats(
    ds,
    Array.from(inner.validation, (i) => split.train[i]),
  );
  const test = selectBeats(ds, split.test);
  const balanced = smote(trainPart, { k: config.smoteK, seed: config.seed + 2, source });

  const dataset: DatasetSummary = {
    name: source,
    sha256,
    beats: ds.labels.length,
    counts: {
      all: countPerClass(ds.labels),
      train: countPerClass(trainPart.labels),
      validation: countPerClass(validation.labels),
      trainAfterSmote: countPerClass(balanced.labels),
      test: countPerClass(test.labels),
    },
  };
  const identity = { datasetSha256: sha256, protocol, version, config };

  const model = (options.buildModel ?? buildSeedCnn)({ seed: config.seed + 3, dropout: config.dropout });
  let resumeFrom: TrainingCheckpoint | undefined;
  let onCheckpoint: ((c: TrainingCheckpoint) => Promise<void>) | undefined;
  if (options.jobId) {
    const prefix = keys.trainingCheckpoint(options.jobId);
    const checkpointKey = `${prefix}latest.bin`;
    const identityKey = `${prefix}identity.json`;
    if (await store.exists(identityKey)) {
      const stored = new TextDecoder().decode(await store.get(identityKey));
      if (stored !== JSON.stringify(identity))
        throw new Error(
          `training job ${options.jobId} already has a checkpoint from another dataset, protocol, version or config ` +
            `(${identityKey}); submit the new training under a new job id`,
        );
      if (await store.exists(checkpointKey))
        resumeFrom = decodeCheckpoint(await store.get(checkpointKey), checkpointKey);
    } else {
      await store.put(identityKey, new TextEncoder().encode(JSON.stringify(identity)), {
        contentType: 'application/json',
      });
    }
    onCheckpoint = (c) =>
      store.put(checkpointKey, encodeCheckpoint(c), { contentType: 'application/octet-stream' });
  }

  /**
   * Writes models/<version>/ for a model holding the weights to publish. `complete` is false for
   * the best-so-far version published after an epoch of a run that is still going: a 40-epoch run
   * takes hours on CPU, and its interim version is usable (and says what it is) long before.
   */
  const publish = async (
    published: tfl.LayersModel,
    history: EpochReport[],
    bestEpoch: number,
    stoppedEarly: boolean,
    complete: boolean,
  ) => {
    const predicted = argmaxClasses(await predictProbabilities(published, test.x));
    const testMetrics = classificationMetrics(test.labels, predicted);
    const table = formatMetricsTable(testMetrics);
    const curves = curvesData(history, bestEpoch);
    const best = history.find((h) => h.epoch === bestEpoch);
    const metrics = {
      version,
      protocol,
      complete,
      ...(complete
        ? {}
        : {
            note:
              `interim version: best of ${history.length} of up to ${config.epochs} epochs; ` +
              `training continues${options.jobId ? ` (resumable as job ${options.jobId})` : ''}`,
          }),
      test: testMetrics,
      table,
      seed: SEED_TEST_METRICS,
      validation: best ? { loss: best.valLoss, accuracy: best.valAcc } : undefined,
      bestEpoch,
      epochs: history.length,
      plannedEpochs: config.epochs,
      stoppedEarly,
      resumedFromEpoch: resumeFrom?.epoch ?? 0,
      trainingSeconds: history.reduce((sum, h) => sum + h.secondsPerEpoch, 0),
      jobSeconds: (performance.now() - started) / 1000,
      backend: tf.getBackend(),
      threads: options.threads ?? 1,
    };
    const artefacts: [string, Uint8Array, string][] = [
      ['metrics.json', json(metrics), 'application/json'],
      ['curves.json', json(curves), 'application/json'],
      [
        'curves.svg',
        new TextEncoder().encode(curvesSvg(curves, `${version} (${protocol})`)),
        'image/svg+xml',
      ],
      [
        'config.json',
        json({ ...config, protocol, architecture: published.name, parameters: published.countParams() }),
        'application/json',
      ],
      ['dataset.json', json(dataset), 'application/json'],
    ];
    const written: string[] = [];
    for (const [file, bytes, contentType] of artefacts) {
      const key = keys.modelFile(version, file);
      await store.put(key, bytes, { contentType });
      written.push(key);
    }
    const saved = await saveModel(published, store, modelPrefix, {
      version,
      protocol,
      datasetSha256: sha256,
    });
    written.push(saved.weightsKey, saved.modelJsonKey);
    return { testMetrics, table, written };
  };

  if (options.publishEachEpoch) {
    const storeCheckpoint = onCheckpoint;
    onCheckpoint = async (c) => {
      await storeCheckpoint?.(c);
      if (c.finished) return; // the final version is published below
      const interim = (options.buildModel ?? buildSeedCnn)({
        seed: config.seed + 3,
        dropout: config.dropout,
      });
      try {
        setModelWeights(interim, c.bestWeights);
        await publish(interim, c.history, c.schedule.bestEpoch, false, false);
      } finally {
        interim.dispose();
      }
    };
  }

  try {
    const result = await trainLoop({
      model,
      train: balanced,
      validation,
      config,
      onEpoch: options.onProgress,
      onCheckpoint,
      resumeFrom,
      signal: options.signal,
      threads: options.threads,
    });
    const { testMetrics, table, written } = await publish(
      model,
      result.history,
      result.bestEpoch,
      result.stoppedEarly,
      true,
    );
    return {
      version,
      test: testMetrics,
      table,
      history: result.history,
      bestEpoch: result.bestEpoch,
      resumedFromEpoch: resumeFrom?.epoch ?? 0,
      keys: written,
    };
  } finally {
    model.dispose();
  }
}
