import pMap from 'p-map';
import { Inject, Injectable } from '@nestjs/common';
import type { IngestSource } from '@holterflow/contracts';
import type { ObjectStorePool } from '@holterflow/storage';
import { OBJECT_STORES } from '../storage/storage.module.js';

/** HEADs in flight at once: enough to check a large archive quickly without flooding S3. */
const PARALLEL_HEADS = 16;

/** Every raw object an ingest source names. */
export function rawKeysOf(source: IngestSource): string[] {
  if (source.format === 'edf') return [source.file];
  return [source.header, ...source.data, ...(source.annotations ? [source.annotations] : [])];
}

/**
 * Checks that named raw objects exist before jobs are queued: a mistyped prefix is answered
 * at once with the missing keys, instead of as hundreds of failed jobs later.
 */
@Injectable()
export class RawObjects {
  constructor(@Inject(OBJECT_STORES) private readonly stores: ObjectStorePool) {}

  /** The keys among `keys` that do not exist in `bucket`, in the order given. */
  async missing(bucket: string, keys: readonly string[]): Promise<string[]> {
    const store = this.stores.forBucket(bucket);
    const exists = await pMap(keys, (key) => store.exists(key), { concurrency: PARALLEL_HEADS });
    return keys.filter((_, i) => !exists[i]);
  }
}
