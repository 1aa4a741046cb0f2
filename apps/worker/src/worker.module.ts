/** The worker: a NestJS application context (no HTTP) running the processors of its roles. */
import { Module, type DynamicModule } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { WorkerConfig } from './config.js';
import { REDIS, WORKER_CONFIG } from './tokens.js';
import { HeartbeatService } from './heartbeat.service.js';
import { ROLE_TABLE } from './processors.js';
import { ObjectStores } from './stores.js';
import { WorkerHost } from './worker-host.service.js';

@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    // maxRetriesPerRequest null: BullMQ's blocking commands must wait out Redis restarts.
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    const processors = config.roles.map(({ role }) => ROLE_TABLE[role]!.processor);
    const roleProviders = [...new Set(config.roles.flatMap(({ role }) => ROLE_TABLE[role]!.providers ?? []))];
    return {
      module: WorkerModule,
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        { provide: REDIS, useValue: redis },
        ObjectStores,
        HeartbeatService,
        WorkerHost,
        ...processors,
        ...roleProviders,
      ],
    };
  }
}
