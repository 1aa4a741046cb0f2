/**
 * Places in the checkout the CLI runs from. This file is apps/cli/src/checkout.ts (tsx) or
 * apps/cli/dist/checkout.js (compiled): three levels below the repository root either way.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type Env = Readonly<Record<string, string | undefined>>;

export const CHECKOUT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The local stack's state (object data, pid file, log, stack.env): HOLTERFLOW_STATE_DIR or <checkout>/.holterflow. */
export function stateDirOf(env: Env = process.env): string {
  return resolve(env.HOLTERFLOW_STATE_DIR?.trim() || join(CHECKOUT_ROOT, '.holterflow'));
}

/** The shipped models: HOLTERFLOW_MODELS_DIR or <checkout>/models (models/<version>/ and DEFAULT). */
export function shippedModelsDir(env: Env = process.env): string {
  return resolve(env.HOLTERFLOW_MODELS_DIR?.trim() || join(CHECKOUT_ROOT, 'models'));
}

/** Every version folder of the shipped models that has a model.json, sorted. */
export function shippedModelVersions(dir: string = shippedModelsDir()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'model.json')))
    .map((e) => e.name)
    .sort();
}

/** The shipped default: models/DEFAULT, else the only version there is. */
export function shippedDefaultVersion(dir: string = shippedModelsDir()): string | undefined {
  const pointer = join(dir, 'DEFAULT');
  if (existsSync(pointer)) return readFileSync(pointer, 'utf8').trim() || undefined;
  const versions = shippedModelVersions(dir);
  return versions.length === 1 ? versions[0] : undefined;
}
