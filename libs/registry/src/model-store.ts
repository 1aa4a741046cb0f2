/**
 * The few store operations the model registry needs, over either the bucket (ObjectStore) or a
 * local directory (what `holterflow train --out <dir>` writes), so the CLI and the coordinator
 * list and promote versions the same way wherever the models live.
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ObjectStore } from '@holterflow/storage';

export interface StoredObject {
  key: string;
  lastModified: Date;
}

export interface ModelStore {
  /** Where a key lives, for messages a person acts on: `s3://bucket/key` or `/abs/dir/key`. */
  locate(key: string): string;
  /** Every object under `prefix` (keys are full keys, '/'-separated). */
  list(prefix: string): AsyncIterable<StoredObject>;
  exists(key: string): Promise<boolean>;
  getText(key: string): Promise<string>;
  putText(key: string, text: string): Promise<void>;
  /** Writes a file of a model version as it is (weights, JSON). */
  putBytes(key: string, body: Uint8Array): Promise<void>;
}

export function objectModelStore(store: ObjectStore): ModelStore {
  return {
    locate: (key) => `s3://${store.bucket}/${key}`,
    list: (prefix) => store.list(prefix),
    exists: (key) => store.exists(key),
    getText: (key) => store.getText(key),
    putText: (key, text) => store.put(key, text, { contentType: 'text/plain' }),
    putBytes: (key, body) => store.put(key, body, { contentType: contentTypeOf(key) }),
  };
}

/** A ModelStore over a local directory: keys are paths relative to `root`. */
export function directoryModelStore(root: string): ModelStore {
  const base = resolve(root);
  const pathOf = (key: string) => {
    if (key.split('/').some((segment) => segment === '..')) throw new Error(`key ${key} escapes ${base}`);
    return join(base, key);
  };
  async function* walk(dir: string, keyPrefix: string): AsyncGenerator<StoredObject> {
    const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return [];
      throw err;
    });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) yield* walk(path, `${keyPrefix}${entry.name}/`);
      else if (entry.isFile())
        yield { key: `${keyPrefix}${entry.name}`, lastModified: (await stat(path)).mtime };
    }
  }
  return {
    locate: (key) => pathOf(key),
    // Prefixes here are always directories ('models/'), as the registry lists them.
    list: (prefix) => walk(pathOf(prefix), prefix.endsWith('/') || prefix === '' ? prefix : `${prefix}/`),
    exists: async (key) => (await stat(pathOf(key)).catch(() => undefined))?.isFile() ?? false,
    getText: (key) => readFile(pathOf(key), 'utf8'),
    putText: (key, text) => writeReplacing(pathOf(key), text),
    putBytes: (key, body) => writeReplacing(pathOf(key), body),
  };
}

/** Writes beside and renames, so a reader never sees a half-written file. */
async function writeReplacing(path: string, body: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, body);
  await rename(partial, path);
}

function contentTypeOf(key: string): string {
  if (key.endsWith('.json')) return 'application/json';
  if (key.endsWith('.svg')) return 'image/svg+xml';
  return 'application/octet-stream';
}
