/**
 * A model version's files → the BeatPredictor classifyWindow runs: the seed CNN (a tfjs layers
 * model, classified by libs/model BeatClassifier on ONNX Runtime or tfjs) or a rhythm model
 * (libs/model RhythmClassifier), told apart by model.json's `format`.
 */
import {
  BeatClassifier,
  RhythmClassifier,
  isRhythmModelJson,
  loadModel,
  parseRhythmModel,
  type EnginePreference,
  type ModelStore,
} from '@holterflow/model';
import { readsSecondLead, selectRhythmScalars } from '@holterflow/ecg';
import type { BeatPredictor } from './classify-window.js';

export interface PredictorFiles {
  version: string;
  modelJson: Uint8Array;
  weights: Uint8Array;
}

export interface LoadedPredictor extends BeatPredictor {
  /** onnx, tfjs or ts (the rhythm model's own loops). */
  readonly engine: string;
  dispose(): Promise<void>;
}

/** Seconds of context a version's features need (0 for the seed CNN), from model.json alone. */
export function contextSecondsOf(modelJson: Uint8Array): number {
  const json: unknown = JSON.parse(new TextDecoder().decode(modelJson));
  return isRhythmModelJson(json) ? (json as { contextSeconds: number }).contextSeconds : 0;
}

export async function loadPredictor(
  files: PredictorFiles,
  options: { engine?: EnginePreference } = {},
): Promise<LoadedPredictor> {
  const json: unknown = JSON.parse(new TextDecoder().decode(files.modelJson));
  if (isRhythmModelJson(json)) {
    const classifier = new RhythmClassifier(
      parseRhythmModel(files.modelJson, files.weights, `${files.version}/model.json`),
    );
    return {
      engine: 'ts',
      contextSeconds: classifier.contextSeconds,
      readsSecondLead: readsSecondLead(classifier.scalarFeatures),
      predict: async (beats, n, rhythm) => {
        if (!rhythm) throw new Error(`model ${files.version} needs rhythm features and got none`);
        const scalars = selectRhythmScalars(rhythm.scalars, n, classifier.scalarFeatures);
        return classifier.predict({ x: beats.x, template: rhythm.template, scalars }, n);
      },
      dispose: async () => {},
    };
  }
  const { model } = await loadModel(memoryStore(files), '');
  const classifier = await BeatClassifier.create(model, { engine: options.engine, log: () => {} });
  // ORT holds its own copy of the weights; the tfjs engine keeps using the model.
  if (classifier.info.engine === 'onnx') model.dispose();
  return {
    engine: classifier.info.engine,
    contextSeconds: 0,
    readsSecondLead: false,
    predict: (beats, n) => classifier.predict(beats.x, n),
    dispose: () => classifier.dispose(),
  };
}

/** The two files as a read-only ModelStore, so loading goes through libs/model's own checks. */
function memoryStore(files: PredictorFiles): ModelStore {
  const byKey = new Map([
    ['model.json', files.modelJson],
    ['weights.bin', files.weights],
  ]);
  return {
    get: async (key) => {
      const bytes = byKey.get(key);
      if (!bytes) throw new Error(`model ${files.version} has no file ${key}`);
      return bytes;
    },
    put: () => Promise.reject(new Error('read-only model store')),
  };
}
