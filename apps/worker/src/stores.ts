import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ObjectStore } from '@holterflow/storage';
import type { WorkerConfig } from './config.js';
import { WORKER_CONFIG } from './tokens.js';

/** One ObjectStore per bucket a job names (endpoint and credentials from the worker config). */
@Injectable()
export class ObjectStores implements OnApplicationShutdown {
  private readonly stores = new Map<string, ObjectStore>();

  constructor(@Inject(WORKER_CONFIG) private readonly config: WorkerConfig) {}

  forBucket(bucket: string): ObjectStore {
    let store = this.stores.get(bucket);
    if (!store) {
      store = new ObjectStore({ ...this.config.storage, bucket });
      this.stores.set(bucket, store);
    }
    return store;
  }

  onApplicationShutdown(): void {
    for (const store of this.stores.values()) store.destroy();
    this.stores.clear();
  }
}
