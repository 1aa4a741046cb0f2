/**
 * The queue wiring in one place, like immich's job table: every queue libs/contracts names is
 * registered here (so Bull Board, /metrics and /admin/workers see all of them), on one Redis
 * connection and one BullMQ key prefix taken from the coordinator config.
 */
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { Redis } from 'ioredis';
import { QUEUES } from '@holterflow/contracts';
import type { CoordinatorConfig } from '../config.js';
import { QueueRegistry } from './queue-registry.js';
import { REDIS, RedisLifecycle } from './redis.js';

@Global()
@Module({})
export class QueuesModule {
  static forRoot(config: CoordinatorConfig): DynamicModule {
    // maxRetriesPerRequest null: BullMQ's blocking commands must wait out Redis restarts.
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
    return {
      module: QueuesModule,
      imports: [
        BullModule.forRoot({ connection: redis, prefix: config.queuePrefix }),
        BullModule.registerQueue(...Object.values(QUEUES).map((name) => ({ name }))),
      ],
      providers: [{ provide: REDIS, useValue: redis }, RedisLifecycle, QueueRegistry],
      exports: [REDIS, QueueRegistry, BullModule],
    };
  }
}
