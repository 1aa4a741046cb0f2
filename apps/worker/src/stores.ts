import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ObjectStorePool } from '@holterflow/storage';
import { WORKER_CONFIG, type WorkerConfig } from './config.js';

/** One ObjectStore per bucket a job names (endpoint and credentials from the worker config). */
@Injectable()
export class ObjectStores extends ObjectStorePool implements OnApplicationShutdown {
  constructor(@Inject(WORKER_CONFIG) config: WorkerConfig) {
    super(config.storage);
  }

  onApplicationShutdown(): void {
    this.destroy();
  }
}
