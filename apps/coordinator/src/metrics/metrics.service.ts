import { Inject, Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { QueueRegistry } from '../queues/queue-registry.js';

/** Job states exported per queue (BullMQ's getJobCounts names). */
export const EXPORTED_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'completed',
  'failed',
] as const;

/**
 * Prometheus metrics. Queue depths are read from Redis at scrape time (a collect callback), so
 * the numbers are never stale and nothing polls Redis between scrapes. The registry is per app
 * instance, not prom-client's global one, so two coordinators in one process (tests) do not clash.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor(@Inject(QueueRegistry) queues: QueueRegistry) {
    new Gauge({
      name: 'holterflow_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const queue of queues.all()) {
          const counts = await queue.getJobCounts(...EXPORTED_STATES);
          for (const state of EXPORTED_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        }
      },
    });
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }
}
