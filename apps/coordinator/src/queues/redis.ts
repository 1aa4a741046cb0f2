import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';

/** The coordinator's one Redis connection (BullMQ queues share it; it is ours to close). */
export const REDIS = Symbol('REDIS');

@Injectable()
export class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    // Queues are closed by @nestjs/bullmq first; a shared client stays open until we quit it.
    if (this.redis.status !== 'end') await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
