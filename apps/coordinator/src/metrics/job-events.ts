/**
 * Counts finished jobs into the metrics from BullMQ's event stream (QueueEvents: a Redis stream
 * per queue, so jobs finished by any worker are seen, and nothing polls). Each coordinator
 * replica counts every job: scrape one, or aggregate the counters with max() across replicas.
 */
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { ClassifyJobSchema, ClassifyResultSchema, QUEUES } from '@holterflow/contracts';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from '../config.js';
import { QueueRegistry } from '../queues/queue-registry.js';
import { REDIS } from '../queues/redis.js';
import { MetricsService, errorKindOf } from './metrics.service.js';

@Injectable()
export class JobEventsMetrics implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('metrics');
  private readonly listeners: { events: QueueEvents; connection: Redis }[] = [];

  constructor(
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(QueueRegistry) private readonly queues: QueueRegistry,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(COORDINATOR_CONFIG) private readonly config: CoordinatorConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const name of Object.values(QUEUES)) {
      // QueueEvents blocks on XREAD: it needs a connection of its own.
      const connection = this.redis.duplicate({ maxRetriesPerRequest: null });
      const events = new QueueEvents(name, { connection, prefix: this.config.queuePrefix });
      events.on('completed', ({ jobId }) => this.completed(name, jobId).catch((err) => this.warn(err)));
      events.on('failed', ({ jobId, failedReason }) =>
        this.failed(name, jobId, failedReason).catch((err) => this.warn(err)),
      );
      events.on('error', (err) => this.warn(err));
      this.listeners.push({ events, connection });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const { events, connection } of this.listeners) {
      await events.close().catch(() => undefined);
      if (connection.status !== 'end') await connection.quit().catch(() => connection.disconnect());
    }
  }

  private async completed(queue: string, jobId: string): Promise<void> {
    const job = await this.queues.get(queue as (typeof QUEUES)[keyof typeof QUEUES]).getJob(jobId);
    if (!job) return;
    if (job.processedOn && job.finishedOn)
      this.metrics.jobDuration.observe({ queue }, (job.finishedOn - job.processedOn) / 1000);
    if (queue !== QUEUES.classify) return;
    const result = ClassifyResultSchema.safeParse(job.returnvalue);
    const data = ClassifyJobSchema.safeParse(job.data);
    if (!result.success || !data.success || result.data.reused) return; // a cancelled run's result, or a reused part
    this.metrics.beats.inc(result.data.beats);
    this.metrics.recordedHours.inc((data.data.end - data.data.start) / data.data.fs / 3600);
  }

  private async failed(queue: string, jobId: string, reason: string): Promise<void> {
    const job = await this.queues.get(queue as (typeof QUEUES)[keyof typeof QUEUES]).getJob(jobId);
    const retriesLeft = job ? job.attemptsMade < (job.opts.attempts ?? 1) && !job.finishedOn : false;
    this.metrics.errors.inc({ queue, kind: errorKindOf(reason ?? '', retriesLeft) });
  }

  private warn(err: unknown): void {
    this.logger.warn(`job event not counted: ${err instanceof Error ? err.message : String(err)}`);
  }
}
