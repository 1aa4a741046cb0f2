/**
 * `holterflow models [--store <dir|s3://bucket>] [--json]` lists the trained model versions with
 * their test figures, the default marked; `holterflow models promote <version>` makes one the
 * default model for new runs (models/DEFAULT). The store defaults to the bucket of the
 * environment (HOLTERFLOW_S3_*), like `results`; a directory is what `train --out` wrote.
 */
import type { Command } from 'commander';
import { parseS3Url } from '@holterflow/contracts';
import {
  directoryModelStore,
  listModelVersions,
  objectModelStore,
  setDefaultModelVersion,
  type ModelStore,
} from '@holterflow/registry';
import { ObjectStore, storageConfigFromEnv } from '@holterflow/storage';
import { formatModelListing } from '../models/format.js';

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
  const config = storageConfigFromEnv(process.env);
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
}
