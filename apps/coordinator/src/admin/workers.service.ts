import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import {
  WORKER_HEARTBEAT_TTL_S,
  WorkerHeartbeatSchema,
  concurrencyChannel,
  concurrencyKey,
  workerHeartbeatKey,
  type ConcurrencyChange,
  type LiveWorker,
  type QueueWorkers,
  type SeenWorker,
  type WorkerHeartbeat,
} from '@holterflow/contracts';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from '../config.js';
import { QueueRegistry } from '../queues/queue-registry.js';
import { REDIS } from '../queues/redis.js';

/**
 * Workers as BullMQ sees them (the named Redis connections of each queue's blocking consumers),
 * joined with the heartbeat each worker process publishes (role, host, pid, backend, startedAt).
 */
@Injectable()
export class WorkersService {
  constructor(
    @Inject(QueueRegistry) private readonly queues: QueueRegistry,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(COORDINATOR_CONFIG) private readonly config: CoordinatorConfig,
  ) {}

  async list(): Promise<QueueWorkers[]> {
    return Promise.all(
      this.queues.all().map(async (queue) => {
        const clients = await queue.getWorkers();
        const workers = await Promise.all(
          clients.map(async (c): Promise<SeenWorker> => {
            const name = workerNameOf(c.rawname ?? '');
            return {
              name,
              addr: c.addr ?? '',
              ageSeconds: Number(c.age ?? 0),
              idleSeconds: Number(c.idle ?? 0),
              heartbeat: name ? await this.heartbeat(name) : null,
            };
          }),
        );
        return { queue: queue.name, workers };
      }),
    );
  }

  /** Every worker role whose heartbeat is live; a dead worker drops out within WORKER_HEARTBEAT_TTL_S. */
  async live(queues?: QueueWorkers[]): Promise<LiveWorker[]> {
    const connected = new Set(
      (queues ?? (await this.list())).flatMap((q) => q.workers.map((w) => w.name)).filter(Boolean),
    );
    const prefix = workerHeartbeatKey(this.config.queuePrefix, '');
    const out: LiveWorker[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of found) {
        const name = key.slice(prefix.length);
        const beat = await this.heartbeat(name);
        if (!beat) continue;
        out.push({
          name,
          role: beat.role,
          host: beat.host,
          pid: beat.pid,
          engine: beat.backend,
          concurrency: beat.concurrency ?? null,
          beatsPerSecond: beat.beatsPerSecond ?? 0,
          lastHeartbeat: beat.beatAt ?? null,
          startedAt: beat.startedAt,
          connected: connected.has(name),
        });
      }
    } while (cursor !== '0');
    return out.sort((a, b) => a.role.localeCompare(b.role) || a.name.localeCompare(b.name));
  }

  /**
   * Sets a role's concurrency on every worker of that role now (pub/sub) and for workers started
   * later (the stored value wins over their environment). Answers how many processes heard it.
   */
  async setConcurrency(change: ConcurrencyChange): Promise<{ notified: number }> {
    await this.redis.set(concurrencyKey(this.config.queuePrefix, change.role), String(change.concurrency));
    const notified = await this.redis.publish(
      concurrencyChannel(this.config.queuePrefix),
      JSON.stringify(change),
    );
    return { notified };
  }

  static readonly heartbeatTimeoutSeconds = WORKER_HEARTBEAT_TTL_S;

  private async heartbeat(name: string): Promise<WorkerHeartbeat | null> {
    const raw = await this.redis.get(workerHeartbeatKey(this.config.queuePrefix, name));
    if (!raw) return null;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return null; // not written by a worker of ours: describe it as unknown rather than fail the list
    }
    const parsed = WorkerHeartbeatSchema.safeParse(value);
    return parsed.success ? parsed.data : null;
  }
}

/** `<prefix>:<base64 queue>:w:<name>` → `<name>`; null for unnamed workers. */
function workerNameOf(clientName: string): string | null {
  const at = clientName.indexOf(':w:');
  return at >= 0 ? clientName.slice(at + 3) : null;
}
