import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ObjectStore } from '@holterflow/storage';
import { REDIS } from '../queues/redis.js';
import { OBJECT_STORE } from '../storage/storage.module.js';

export interface DependencyHealth {
  ok: boolean;
  /** Round trip in ms when reachable. */
  latencyMs?: number;
  error?: string;
}

export interface Health {
  ok: boolean;
  redis: DependencyHealth;
  s3: DependencyHealth & { bucket: string };
}

/** A health check must answer while a dependency hangs, so every probe has a deadline. */
const PROBE_TIMEOUT_MS = 3000;

@Injectable()
export class HealthService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  async check(): Promise<Health> {
    const [redis, s3] = await Promise.all([
      probe(async () => {
        const pong = await this.redis.ping();
        if (pong !== 'PONG') throw new Error(`unexpected PING answer ${JSON.stringify(pong)}`);
      }),
      // Listing one key proves the endpoint answers, the credentials work and the bucket exists.
      probe(async () => {
        for await (const _ of this.store.list('', { pageSize: 1 })) break;
      }),
    ]);
    return { ok: redis.ok && s3.ok, redis, s3: { ...s3, bucket: this.store.bucket } };
  }
}

async function probe(run: () => Promise<void>): Promise<DependencyHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
          PROBE_TIMEOUT_MS,
        );
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
