import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ObjectStore } from '@holterflow/storage';
import type { CoordinatorConfig } from '../config.js';

/** The configured bucket's ObjectStore (the coordinator reads and writes only through it). */
export const OBJECT_STORE = Symbol('OBJECT_STORE');

@Injectable()
class ObjectStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(OBJECT_STORE) private readonly store: ObjectStore) {}
  onApplicationShutdown(): void {
    this.store.destroy();
  }
}

@Global()
@Module({})
export class StorageModule {
  static forRoot(config: CoordinatorConfig): DynamicModule {
    return {
      module: StorageModule,
      providers: [{ provide: OBJECT_STORE, useValue: new ObjectStore(config.storage) }, ObjectStoreLifecycle],
      exports: [OBJECT_STORE],
    };
  }
}
