/**
 * Which model a run uses. A named version must exist (`models/<v>/model.json`); with none named
 * the default pointer `models/DEFAULT` decides — a text object holding one version name, like
 * git's HEAD, so changing the default is one small PUT and never touches a model's files.
 */
import { isSafeId, keys } from '@holterflow/contracts';
import type { ObjectStore } from '@holterflow/storage';

/**
 * libs/model's MODEL_JSON: the file every saved version has. Not imported, because importing
 * @holterflow/model loads TensorFlow.js and onnxruntime into a coordinator that never runs a model.
 */
const MODEL_JSON = 'model.json';

/** The model cannot be used: the caller answers 4xx (HTTP) or prints it (CLI). */
export class ModelVersionError extends Error {
  override readonly name = 'ModelVersionError';
}

export async function resolveModelVersion(store: ObjectStore, requested?: string): Promise<string> {
  const where = `s3://${store.bucket}`;
  if (requested === undefined) {
    const pointer = keys.modelDefault();
    if (!(await store.exists(pointer)))
      throw new ModelVersionError(
        `no model named and no default model: ${where}/${pointer} does not exist ` +
          `(name one with "model", or write a version name into ${pointer})`,
      );
    const version = (await store.getText(pointer)).trim();
    if (!isSafeId(version))
      throw new ModelVersionError(
        `${where}/${pointer} holds ${JSON.stringify(version)}, not a model version`,
      );
    return assertModelExists(store, version, ` (the default named in ${pointer})`);
  }
  return assertModelExists(store, requested, '');
}

async function assertModelExists(store: ObjectStore, version: string, why: string): Promise<string> {
  const modelJson = keys.modelFile(version, MODEL_JSON);
  if (!(await store.exists(modelJson)))
    throw new ModelVersionError(
      `model version ${version}${why} does not exist: no s3://${store.bucket}/${modelJson}`,
    );
  return version;
}

/** Makes `version` the default model of the bucket. */
export async function setDefaultModelVersion(store: ObjectStore, version: string): Promise<void> {
  await assertModelExists(store, version, '');
  await store.put(keys.modelDefault(), `${version}\n`, { contentType: 'text/plain' });
}
