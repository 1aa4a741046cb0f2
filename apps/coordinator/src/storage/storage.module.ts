import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ObjectStore, ObjectStorePool } from '@holterflow/storage';
import type { CoordinatorConfig } from '../config.js';

/** The configured bucket's ObjectStore (health checks, the default bucket of requests). */
export const OBJECT_STORE = Symbol('OBJECT_STORE');
/** A store per bucket that a request names (runs and ingests may name other buckets). */
export const OBJECT_STORES = Symbol('OBJECT_STORES');

@Injectable()
class ObjectStoreLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(OBJECT_STORES) private readonly stores: ObjectStorePool,
  ) {}
  onApplicationShutdown(): void {
    this.store.destroy();
    this.stores.destroy();
  }
}

@Global()
@Module({})
export class StorageModule {
  static forRoot(config: CoordinatorConfig): DynamicModule {
    return {
      module: StorageModule,
      providers: [
        { provide: OBJECT_STORE, useValue: new ObjectStore(config.storage) },
        { provide: OBJECT_STORES, useValue: new ObjectStorePool(config.storage) },
        ObjectStoreLifecycle,
      ],
      exports: [OBJECT_STORE, OBJECT_STORES],
    };
  }
}
