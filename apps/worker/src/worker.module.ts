/** The worker: a NestJS application context (no HTTP) running the processors of its roles. */
import { Module, type DynamicModule } from '@nestjs/common';
import { WORKER_CONFIG, type WorkerConfig } from './config.js';
import { HeartbeatService } from './heartbeat.service.js';
import { roleDefinitions } from './processors.js';
import { REDIS, createWorkerRedis } from './redis.js';
import { ObjectStores } from './stores.js';
import { WorkerHost } from './worker-host.service.js';

@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    const definitions = roleDefinitions(config.roles);
    const processors = definitions.map((d) => d.processor);
    const roleProviders = [...new Set(definitions.flatMap((d) => d.providers ?? []))];
    return {
      module: WorkerModule,
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        { provide: REDIS, useValue: createWorkerRedis(config.redisUrl) },
        ObjectStores,
        HeartbeatService,
        WorkerHost,
        ...processors,
        ...roleProviders,
      ],
    };
  }
}
