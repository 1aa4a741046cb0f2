import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import {
  BEATS_RATE_WINDOW_S,
  WORKER_HEARTBEAT_TTL_S,
  workerHeartbeatKey,
  workerName,
  type WorkerHeartbeat,
  type WorkerRole,
} from '@holterflow/contracts';
import { WORKER_CONFIG, type WorkerConfig } from './config.js';
import { REDIS } from './redis.js';

/**
 * Publishes {role, host, pid, backend, startedAt, concurrency, beatsPerSecond, beatAt} for each
 * role this process runs, under the BullMQ worker name, with a TTL: a worker that dies stops
 * being described within 30 s, one that shuts down cleanly removes its entries at once.
 */
@Injectable()
export class HeartbeatService {
  private readonly logger = new Logger('heartbeat');
  private readonly entries = new Map<string, WorkerHeartbeat>();
  /** Beats classified per role: [time ms, beats] of the jobs finished in the last BEATS_RATE_WINDOW_S. */
  private readonly beats = new Map<string, [number, number][]>();
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

  async start(roles: { role: WorkerRole; backend: string; concurrency: number }[]): Promise<void> {
    for (const { role, backend, concurrency } of roles)
      this.entries.set(this.nameOf(role), {
        role,
        host: this.host,
        pid: this.pid,
        backend,
        startedAt: this.startedAt,
        concurrency,
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

  /** A job of `role` finished having classified `count` beats. */
  countBeats(role: WorkerRole, count: number): void {
    const name = this.nameOf(role);
    const list = this.beats.get(name) ?? [];
    list.push([Date.now(), count]);
    this.beats.set(name, list);
  }

  /** The concurrency changed at run time: say so in the next heartbeat, which is sent now. */
  async setConcurrency(role: WorkerRole, concurrency: number): Promise<void> {
    const entry = this.entries.get(this.nameOf(role));
    if (!entry) return;
    entry.concurrency = concurrency;
    await this.beat();
  }

  private beatsPerSecond(name: string, now: number): number {
    const since = now - BEATS_RATE_WINDOW_S * 1000;
    const recent = (this.beats.get(name) ?? []).filter(([at]) => at >= since);
    this.beats.set(name, recent);
    return Math.round((recent.reduce((sum, [, n]) => sum + n, 0) / BEATS_RATE_WINDOW_S) * 10) / 10;
  }

  private async beat(): Promise<void> {
    const multi = this.redis.multi();
    const now = Date.now();
    for (const [name, entry] of this.entries)
      multi.set(
        workerHeartbeatKey(this.config.queuePrefix, name),
        JSON.stringify({
          ...entry,
          beatsPerSecond: this.beatsPerSecond(name, now),
          beatAt: new Date(now).toISOString(),
        }),
        'EX',
        WORKER_HEARTBEAT_TTL_S,
      );
    await multi.exec();
  }
}
