import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The object-store methods training uses; libs/storage's ObjectStore has them. */
export interface TrainingStore {
  put(key: string, bytes: Uint8Array, options?: { contentType?: string }): Promise<void>;
  get(key: string): Promise<Uint8Array>;
  exists(key: string): Promise<boolean>;
}

/** A TrainingStore over a local directory (keys are relative paths), for runs without S3. */
export function directoryTrainingStore(root: string): TrainingStore {
  const pathOf = (key: string) => {
    if (key.split('/').some((segment) => segment === '..')) throw new Error(`key ${key} escapes ${root}`);
    return join(root, key);
  };
  return {
    async put(key, bytes) {
      await mkdir(dirname(pathOf(key)), { recursive: true });
      await writeFile(pathOf(key), bytes);
    },
    async get(key) {
      return new Uint8Array(await readFile(pathOf(key)));
    },
    async exists(key) {
      return (await stat(pathOf(key)).catch(() => undefined))?.isFile() ?? false;
    },
  };
}
