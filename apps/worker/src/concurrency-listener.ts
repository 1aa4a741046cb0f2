/**
 * Applies run-time concurrency changes (libs/contracts workers.ts): at start, the value an admin
 * stored for a role replaces the environment's; afterwards, every ConcurrencyChange published on
 * the channel is applied to this process's BullMQ worker of that role at once (BullMQ takes a
 * new concurrency between jobs, so running jobs are not disturbed).
 */
import { Logger } from '@nestjs/common';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  ConcurrencyChangeSchema,
  concurrencyChannel,
  concurrencyKey,
  type WorkerRole,
} from '@holterflow/contracts';

export class ConcurrencyListener {
  private readonly logger = new Logger('concurrency');
  private subscriber: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly queuePrefix: string,
    private readonly apply: (role: WorkerRole, concurrency: number) => Promise<void>,
  ) {}

  /** The stored concurrency for `role`, or undefined when none was set at run time. */
  async stored(role: WorkerRole): Promise<number | undefined> {
    const raw = await this.redis.get(concurrencyKey(this.queuePrefix, role));
    const parsed = ConcurrencyChangeSchema.shape.concurrency.safeParse(Number(raw));
    return raw !== null && parsed.success ? parsed.data : undefined;
  }

  async start(workers: ReadonlyMap<WorkerRole, Worker>): Promise<void> {
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('message', (_channel: string, message: string) => {
      let change;
      try {
        change = ConcurrencyChangeSchema.parse(JSON.parse(message));
      } catch (err) {
        this.logger.warn(
          `ignored a concurrency message that is not a ConcurrencyChange: ${(err as Error).message}`,
        );
        return;
      }
      const worker = workers.get(change.role);
      if (!worker) return;
      worker.concurrency = change.concurrency;
      this.logger.log(`${change.role}: concurrency now ${change.concurrency}`);
      this.apply(change.role, change.concurrency).catch((err: unknown) =>
        this.logger.warn(`could not report the new concurrency: ${(err as Error).message}`),
      );
    });
    await this.subscriber.subscribe(concurrencyChannel(this.queuePrefix));
  }

  async stop(): Promise<void> {
    if (this.subscriber && this.subscriber.status !== 'end')
      await this.subscriber.quit().catch(() => this.subscriber?.disconnect());
  }
}
