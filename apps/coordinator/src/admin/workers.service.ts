import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { WorkerHeartbeatSchema, workerHeartbeatKey, type WorkerHeartbeat } from '@holterflow/contracts';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from '../config.js';
import { QueueRegistry } from '../queues/queue-registry.js';
import { REDIS } from '../queues/redis.js';

export interface SeenWorker {
  /** BullMQ worker name (`<role>@<host>#<pid>`), or null for an unnamed worker. */
  name: string | null;
  /** Client address as Redis sees it. */
  addr: string;
  /** Seconds the connection has existed / been idle, from Redis CLIENT LIST. */
  ageSeconds: number;
  idleSeconds: number;
  /** What the worker publishes about itself; null when its heartbeat has expired or never came. */
  heartbeat: WorkerHeartbeat | null;
}

export interface QueueWorkers {
  queue: string;
  workers: SeenWorker[];
}

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
