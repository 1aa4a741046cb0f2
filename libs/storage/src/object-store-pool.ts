import type { StorageConfig } from './config.js';
import { ObjectStore } from './object-store.js';

/**
 * One ObjectStore per bucket, made on first use with the same endpoint and credentials: jobs and
 * requests name their bucket, and each store keeps its own HTTP connections, so they are reused
 * rather than opened per job. destroy() closes them all.
 */
export class ObjectStorePool {
  private readonly stores = new Map<string, ObjectStore>();

  constructor(private readonly config: StorageConfig) {}

  forBucket(bucket: string): ObjectStore {
    let store = this.stores.get(bucket);
    if (!store) {
      store = new ObjectStore({ ...this.config, bucket });
      this.stores.set(bucket, store);
    }
    return store;
  }

  destroy(): void {
    for (const store of this.stores.values()) store.destroy();
    this.stores.clear();
  }
}
