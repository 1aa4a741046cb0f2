/**
 * Scores a stored model version on the test part of a beat dataset under a protocol — the same
 * split a training run with the same seed used, so `evaluate` reproduces its metrics.json.
 */
import { keys } from '@holterflow/contracts';
import { readBeatDataset } from './dataset/index.js';
import { isRhythmModelJson, loadModel, loadRhythmModel, RhythmClassifier } from '@holterflow/model';
import { selectBeats } from './beats.js';
import {
  classificationMetrics,
  ec57Statistics,
  formatEc57Report,
  formatMetricsTable,
  type ClassificationMetrics,
} from './metrics.js';
import { datasetFeatureRows } from './rhythm/dataset-features.js';
import { argmaxClasses, predictProbabilities } from './predict.js';
import { splitForProtocol, type Protocol } from './protocol.js';
import type { TrainingStore } from './store.js';
import { TRAINING_DEFAULTS } from './train-job.js';

export class ModelVersionNotFound extends Error {
  override readonly name = 'ModelVersionNotFound';
  constructor(readonly version: string) {
    super(
      `model version ${version} does not exist (no ${keys.modelFile(version, 'model.json')}); list models/ for the versions there are`,
    );
  }
}

export interface EvaluateOptions {
  store: TrainingStore;
  version: string;
  dataset: { bytes: Uint8Array; name: string };
  protocol: Protocol;
  /** The split seed; by default the version's own (config.json), so the test part is the one it never saw. */
  seed?: number;
}

export interface Evaluation {
  metrics: ClassificationMetrics;
  /** The per-class table beside the seed's figures, then the EC57 VEB/SVEB report. */
  table: string;
  /** EC57 VEB and SVEB statistics (percent). */
  ec57: ReturnType<typeof ec57Statistics>;
  /** holterflow_seed_cnn or holterflow_rhythm_mlp. */
  architecture: string;
}

export async function evaluateModel(options: EvaluateOptions): Promise<Evaluation> {
  const { store, version } = options;
  if (!(await store.exists(keys.modelFile(version, 'model.json')))) throw new ModelVersionNotFound(version);
  const seed = options.seed ?? (await trainedSeed(store, version));
  const ds = await readBeatDataset(options.dataset.bytes, options.dataset.name);
  const split = splitForProtocol(ds, options.protocol, seed, options.dataset.name);
  const prefix = keys.modelPrefix(version);
  const modelJson: unknown = JSON.parse(
    new TextDecoder().decode(await store.get(keys.modelFile(version, 'model.json'))),
  );
  let metrics: ClassificationMetrics;
  let architecture: string;
  if (isRhythmModelJson(modelJson)) {
    // Features need every beat of a record as context (test beats' neighbours included), so
    // they are computed on the whole dataset, then the test part is taken.
    const rhythm = new RhythmClassifier(await loadRhythmModel(store, prefix));
    const spec = rhythm.model.description.input;
    const { rows, width } = datasetFeatureRows(ds, spec, rhythm.scalarFeatures);
    const n = split.test.length;
    const testRows = new Float32Array(n * width);
    split.test.forEach((i, k) => testRows.set(rows.subarray(i * width, (i + 1) * width), k * width));
    const probs = rhythm.predictRows(testRows, n);
    metrics = classificationMetrics(
      Int32Array.from(split.test, (i) => ds.labels[i]),
      argmaxClasses(probs),
    );
    architecture = rhythm.model.description.architecture;
  } else {
    const test = selectBeats(ds, split.test);
    const { model } = await loadModel(store, prefix);
    try {
      metrics = classificationMetrics(test.labels, argmaxClasses(await predictProbabilities(model, test.x)));
    } finally {
      model.dispose();
    }
    architecture = 'holterflow_seed_cnn';
  }
  const ec57 = ec57Statistics(metrics.confusion);
  return {
    metrics,
    ec57,
    architecture,
    table: `${formatMetricsTable(metrics)}\n\n${formatEc57Report(metrics, options.protocol)}`,
  };
}

async function trainedSeed(store: TrainingStore, version: string): Promise<number> {
  const key = keys.modelFile(version, 'config.json');
  if (!(await store.exists(key))) return TRAINING_DEFAULTS.seed;
  const config = JSON.parse(new TextDecoder().decode(await store.get(key))) as { seed?: unknown };
  return typeof config.seed === 'number' ? config.seed : TRAINING_DEFAULTS.seed;
}
