/**
 * Uploading a model folder (what `holterflow train --out` writes, or one of the repo's shipped
 * models/<version>/) into a model store as one version: every file it holds — model.json,
 * weights.bin, metrics.json, config.json, curves, ... — whatever training wrote, no fixed list.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isSafeId, keys, MODEL_JSON } from '@holterflow/contracts';
import type { ModelStore } from './model-store.js';
import { ModelVersionError } from './model-version.js';

export interface PushedVersion {
  version: string;
  /** Files written, model.json last. */
  files: string[];
  bytes: number;
}

/**
 * Writes every file of `dir` to `models/<version>/` of the store. model.json goes last: its
 * presence is what makes a version usable (resolveModelVersion), so a push cut short leaves a
 * version runs refuse rather than one with missing weights. A folder without model.json is
 * refused before anything is written.
 */
export async function pushModelFolder(
  store: ModelStore,
  dir: string,
  version: string,
): Promise<PushedVersion> {
  if (!isSafeId(version))
    throw new ModelVersionError(
      `${JSON.stringify(version)} is not a model version name (1-128 letters, digits, '_', '-' or '.')`,
    );
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    throw new ModelVersionError(`cannot read model folder ${dir}: ${err.code ?? err.message}`);
  });
  const names = entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && isSafeId(e.name))
    .map((e) => e.name)
    .sort();
  if (!names.includes(MODEL_JSON))
    throw new ModelVersionError(`${dir} is not a model folder: it has no ${MODEL_JSON}`);
  const ordered = [...names.filter((n) => n !== MODEL_JSON), MODEL_JSON];
  let bytes = 0;
  for (const name of ordered) {
    const body = await readFile(join(dir, name));
    await store.putBytes(keys.modelFile(version, name), body);
    bytes += body.byteLength;
  }
  return { version, files: ordered, bytes };
}
