/**
 * Which model a run uses. A named version must exist (`models/<v>/model.json`); with none named
 * the default pointer `models/DEFAULT` decides — a text object holding one version name, like
 * git's HEAD, so changing the default is one small PUT and never touches a model's files.
 */
import { MODEL_JSON, isSafeId, keys } from '@holterflow/contracts';
import type { ModelStore } from './model-store.js';

/** The model cannot be used: the caller answers 4xx (HTTP) or prints it (CLI). */
export class ModelVersionError extends Error {
  override readonly name = 'ModelVersionError';
}

/** The version models/DEFAULT names, undefined when there is no pointer; a bad pointer throws. */
export async function readDefaultModelVersion(store: ModelStore): Promise<string | undefined> {
  const pointer = keys.modelDefault();
  if (!(await store.exists(pointer))) return undefined;
  const version = (await store.getText(pointer)).trim();
  if (!isSafeId(version))
    throw new ModelVersionError(
      `${store.locate(pointer)} holds ${JSON.stringify(version)}, not a model version`,
    );
  return version;
}

export async function resolveModelVersion(store: ModelStore, requested?: string): Promise<string> {
  if (requested !== undefined) return assertModelExists(store, requested, '');
  const pointer = keys.modelDefault();
  const version = await readDefaultModelVersion(store);
  if (version === undefined)
    throw new ModelVersionError(
      `no model named and no default model: ${store.locate(pointer)} does not exist ` +
        `(name one with "model", or write a version name into ${pointer})`,
    );
  return assertModelExists(store, version, ` (the default named in ${pointer})`);
}

async function assertModelExists(store: ModelStore, version: string, why: string): Promise<string> {
  if (!isSafeId(version))
    throw new ModelVersionError(`${JSON.stringify(version)} is not a model version name`);
  const modelJson = keys.modelFile(version, MODEL_JSON);
  if (!(await store.exists(modelJson)))
    throw new ModelVersionError(
      `model version ${version}${why} does not exist: no ${store.locate(modelJson)}`,
    );
  return version;
}

export interface DefaultChange {
  /** What models/DEFAULT named before (undefined: there was none, or it held no version name). */
  previous: string | undefined;
  current: string;
}

/** Makes `version` the default model for new runs; it must exist. */
export async function setDefaultModelVersion(store: ModelStore, version: string): Promise<DefaultChange> {
  await assertModelExists(store, version, '');
  // A broken pointer is exactly what a promote repairs, so it does not stop one.
  const previous = await readDefaultModelVersion(store).catch((err: unknown) => {
    if (err instanceof ModelVersionError) return undefined;
    throw err;
  });
  await store.putText(keys.modelDefault(), `${version}\n`);
  return { previous, current: version };
}
