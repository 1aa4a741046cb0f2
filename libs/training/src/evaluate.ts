/**
 * Scores a stored model version on the test part of a beat dataset under a protocol — the same
 * split a training run with the same seed used, so `evaluate` reproduces its metrics.json.
 */
import { keys } from '@holterflow/contracts';
import { readBeatDataset } from './dataset/index.js';
import { loadModel } from '@holterflow/model';
import { selectBeats } from './beats.js';
import { classificationMetrics, formatMetricsTable, type ClassificationMetrics } from './metrics.js';
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

export async function evaluateModel(
  options: EvaluateOptions,
): Promise<{ metrics: ClassificationMetrics; table: string }> {
  const { store, version } = options;
  if (!(await store.exists(keys.modelFile(version, 'model.json')))) throw new ModelVersionNotFound(version);
  const seed = options.seed ?? (await trainedSeed(store, version));
  const ds = await readBeatDataset(options.dataset.bytes, options.dataset.name);
  const split = splitForProtocol(ds, options.protocol, seed, options.dataset.name);
  const test = selectBeats(ds, split.test);
  const { model } = await loadModel(store, keys.modelPrefix(version));
  try {
    const metrics = classificationMetrics(
      test.labels,
      argmaxClasses(await predictProbabilities(model, test.x)),
    );
    return { metrics, table: formatMetricsTable(metrics) };
  } finally {
    model.dispose();
  }
}

async function trainedSeed(store: TrainingStore, version: string): Promise<number> {
  const key = keys.modelFile(version, 'config.json');
  if (!(await store.exists(key))) return TRAINING_DEFAULTS.seed;
  const config = JSON.parse(new TextDecoder().decode(await store.get(key))) as { seed?: unknown };
  return typeof config.seed === 'number' ? config.seed : TRAINING_DEFAULTS.seed;
}
