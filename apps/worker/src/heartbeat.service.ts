import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import {
  WORKER_HEARTBEAT_TTL_S,
  workerHeartbeatKey,
  workerName,
  type WorkerHeartbeat,
  type WorkerRole,
} from '@holterflow/contracts';
import { WORKER_CONFIG, type WorkerConfig } from './config.js';
import { REDIS } from './redis.js';

/**
 * Publishes {role, host, pid, backend, startedAt} for each role this process runs, under the
 * BullMQ worker name, with a TTL: a worker that dies stops being described within 30 s, one
 * that shuts down cleanly removes its entries at once.
 */
@Injectable()
export class HeartbeatService {
  private readonly logger = new Logger('heartbeat');
  private readonly entries = new Map<string, WorkerHeartbeat>();
  private timer: NodeJS.Timeout | undefined;
  readonly host = hostname();
  readonly pid = process.pid;
  private readonly startedAt = new Date().toISOString();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {}

  nameOf(role: WorkerRole): string {
    return workerName(role, this.host, this.pid);
  }

  async start(roles: { role: WorkerRole; backend: string }[]): Promise<void> {
    for (const { role, backend } of roles)
      this.entries.set(this.nameOf(role), {
        role,
        host: this.host,
        pid: this.pid,
        backend,
        startedAt: this.startedAt,
      });
    await this.beat();
    this.timer = setInterval(
      () => {
        this.beat().catch((err: unknown) => this.logger.warn(`heartbeat failed: ${(err as Error).message}`));
      },
      (WORKER_HEARTBEAT_TTL_S * 1000) / 3,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const keys = [...this.entries.keys()].map((name) => workerHeartbeatKey(this.config.queuePrefix, name));
    if (keys.length > 0) await this.redis.del(...keys);
    this.entries.clear();
  }

  private async beat(): Promise<void> {
    const multi = this.redis.multi();
    for (const [name, entry] of this.entries)
      multi.set(
        workerHeartbeatKey(this.config.queuePrefix, name),
        JSON.stringify(entry),
        'EX',
        WORKER_HEARTBEAT_TTL_S,
      );
    await multi.exec();
  }
}
