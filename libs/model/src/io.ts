/**
 * Saves and loads a model version as the two files tfjs's own format uses — model.json
 * (topology + weights manifest) and weights.bin — under a prefix of an object store, or in a
 * local directory (the repo's default model lives in models/<version>/). tfjs has no file://
 * or S3 handler without tfjs-node, so both directions go through tf.io.withSaveHandler /
 * tf.io.fromMemory and this module does the I/O itself.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MODEL_JSON } from '@holterflow/contracts';

/** The two methods we need; libs/storage's ObjectStore has this shape. */
export interface ModelStore {
  put(key: string, bytes: Uint8Array, options?: { contentType?: string }): Promise<void>;
  get(key: string): Promise<Uint8Array>;
}

export const WEIGHTS_BIN = 'weights.bin';

function keyOf(prefix: string, file: string): string {
  const p = prefix.replace(/\/+$/, '');
  return p ? `${p}/${file}` : file;
}

export interface SavedModelFiles {
  modelJsonKey: string;
  weightsKey: string;
  weightBytes: number;
}

/** Writes model.json and weights.bin under `prefix` (weights first, so a model.json never points at missing weights). */
export async function saveModel(
  model: tfl.LayersModel,
  store: ModelStore,
  prefix: string,
  metadata: Record<string, unknown> = {},
): Promise<SavedModelFiles> {
  const modelJsonKey = keyOf(prefix, MODEL_JSON);
  const weightsKey = keyOf(prefix, WEIGHTS_BIN);
  let weightBytes = 0;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []));
      weightBytes = weights.byteLength;
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        userDefinedMetadata: metadata as Record<string, object>,
      };
      await store.put(weightsKey, weights, { contentType: 'application/octet-stream' });
      await store.put(modelJsonKey, new TextEncoder().encode(JSON.stringify(modelJson)), {
        contentType: 'application/json',
      });
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return { modelJsonKey, weightsKey, weightBytes };
}

export interface LoadedModel {
  model: tfl.LayersModel;
  /** userDefinedMetadata of model.json (what saveModel was given). */
  metadata: Record<string, unknown>;
}

export async function loadModel(store: ModelStore, prefix: string): Promise<LoadedModel> {
  const modelJsonKey = keyOf(prefix, MODEL_JSON);
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(new TextDecoder().decode(await store.get(modelJsonKey))) as tf.io.ModelJSON;
  } catch (err) {
    throw new Error(`cannot read model ${modelJsonKey}: ${(err as Error).message}`);
  }
  const manifest = modelJson.weightsManifest?.[0];
  if (!modelJson.modelTopology || !manifest || manifest.paths.length !== 1)
    throw new Error(
      `${modelJsonKey} is not a single-file tfjs layers model (modelTopology + one weights file)`,
    );
  const weightsKey = keyOf(prefix, manifest.paths[0]);
  const weights = await store.get(weightsKey);
  const expected = manifest.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (weights.byteLength !== expected)
    throw new Error(`${weightsKey} has ${weights.byteLength} bytes; ${modelJsonKey} describes ${expected}`);
  // A copy: the store's bytes may be a view into a larger (pooled) buffer.
  const weightData = weights.slice().buffer;
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: manifest.weights, weightData }),
  );
  return { model, metadata: (modelJson.userDefinedMetadata ?? {}) as Record<string, unknown> };
}

/** A ModelStore over a local directory: keys are relative file paths under `root`. */
export function directoryStore(root: string): ModelStore {
  const pathOf = (key: string) => {
    if (key.split('/').some((seg) => seg === '..')) throw new Error(`key ${key} escapes ${root}`);
    return join(root, key);
  };
  return {
    async put(key, bytes) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
    },
    async get(key) {
      return new Uint8Array(await readFile(pathOf(key)));
    },
  };
}
