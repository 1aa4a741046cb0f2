/**
 * `holterflow models [--store <dir|s3://bucket>] [--json]` lists the trained model versions with
 * their test figures, the default marked; `holterflow models promote <version>` makes one the
 * default model for new runs (models/DEFAULT); `holterflow models push <dir|version>` uploads a
 * model folder as a version. The store defaults to the bucket of the
 * environment (HOLTERFLOW_S3_*), like `results`; a directory is what `train --out` wrote.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseS3Url } from '@holterflow/contracts';
import {
  directoryModelStore,
  listModelVersions,
  objectModelStore,
  pushModelFolder,
  setDefaultModelVersion,
  type ModelStore,
} from '@holterflow/registry';
import { ObjectStore } from '@holterflow/storage';
import { shippedModelsDir, shippedModelVersions } from '../checkout.js';
import { formatModelListing } from '../models/format.js';
import { formatMegabytes } from '../ingest/report.js';
import { storageForCommand } from '../storage-target.js';

interface StoreFlag {
  store?: string;
}

const STORE_OPTION = [
  '--store <dir|s3://bucket>',
  "where models/ lives (default: the environment's bucket)",
] as const;

/** The model store named by --store, and a close() that frees the S3 client's sockets. */
function openStore(location: string | undefined): { store: ModelStore; close(): void } {
  if (location !== undefined && !location.startsWith('s3://'))
    return { store: directoryModelStore(location), close: () => {} };
  const config = storageForCommand();
  const bucket = location === undefined ? config.bucket : parseS3Url(location).bucket;
  const objects = new ObjectStore({ ...config, bucket });
  return { store: objectModelStore(objects), close: () => objects.destroy() };
}

async function withStore<T>(
  location: string | undefined,
  use: (store: ModelStore) => Promise<T>,
): Promise<T> {
  const { store, close } = openStore(location);
  try {
    return await use(store);
  } finally {
    close();
  }
}

export function register(program: Command): void {
  const models = program
    .command('models')
    .description('list the trained model versions (test accuracy, macro-F1; the default marked *)')
    .option(...STORE_OPTION)
    .option('--json', 'print the listing as JSON (the same as GET /models)')
    .action(async (opts: StoreFlag & { json?: boolean }) => {
      await withStore(opts.store, async (store) => {
        const listing = await listModelVersions(store);
        console.log(
          opts.json ? JSON.stringify(listing, null, 2) : formatModelListing(listing, store.locate('models/')),
        );
      });
    });

  models
    .command('promote')
    .description('make a model version the default for new runs (writes models/DEFAULT)')
    .argument('<version>', 'a version listed by `holterflow models`')
    .option(...STORE_OPTION)
    .action(async (version: string, _opts: StoreFlag, command: Command) => {
      // --store may be given before or after `promote`: either way it is one flag.
      const { store: location } = command.optsWithGlobals<StoreFlag>();
      const change = await withStore(location, (store) => setDefaultModelVersion(store, version));
      console.log(`default model: ${change.previous ?? '(none)'} → ${change.current}`);
    });

  models
    .command('push')
    .description(
      'upload a model folder (every file: model.json, weights.bin, metrics.json, ...) as a version',
    )
    .argument(
      '<dir|version>',
      'a folder with model.json (e.g. what `train --out` wrote under models/), or a version shipped in models/',
    )
    .option('--name <version>', 'version name in the store (default: the folder name)')
    .option('--default', 'also make it the default model for new runs')
    .option(...STORE_OPTION)
    .action(async (source: string, _opts: unknown, command: Command) => {
      const opts = command.optsWithGlobals<StoreFlag & { name?: string; default?: boolean }>();
      const dir = modelFolderOf(source);
      const version = opts.name ?? basename(dir);
      await withStore(opts.store, async (store) => {
        const pushed = await pushModelFolder(store, dir, version);
        console.log(
          `pushed ${pushed.files.length} files (${formatMegabytes(pushed.bytes)} MB) of ${dir} as ` +
            `${store.locate(`models/${version}/`)}: ${pushed.files.join(', ')}`,
        );
        if (opts.default) {
          const change = await setDefaultModelVersion(store, version);
          console.log(`default model: ${change.previous ?? '(none)'} → ${change.current}`);
        }
      });
    });
}

/** A folder path as given, else a version of the checkout's shipped models; names both when neither. */
function modelFolderOf(source: string): string {
  if (existsSync(source) && statSync(source).isDirectory()) return resolve(source);
  const shipped = shippedModelsDir();
  const candidate = join(shipped, source);
  if (/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(source) && existsSync(candidate)) return candidate;
  const versions = shippedModelVersions(shipped);
  throw new Error(
    `${source}: no such folder, and not a version in ${shipped}` +
      (versions.length ? ` (shipped: ${versions.join(', ')})` : ''),
  );
}
