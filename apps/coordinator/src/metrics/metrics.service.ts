import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { QueueRegistry } from '../queues/queue-registry.js';
import { WorkersService } from '../admin/workers.service.js';

/** Job states exported per queue (BullMQ's getJobCounts names). */
export const EXPORTED_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const;

/**
 * Jobs a worker could take but has not yet: BullMQ keeps them in three places (the wait list,
 * the prioritized set, the delayed set — postponed and backing-off jobs), so one gauge adds them
 * up for autoscaling (infra/k8s KEDA ScaledObject).
 */
export const BACKLOG_STATES = ['waiting', 'prioritized', 'delayed'] as const;

/** Why a job failed, from its reason (labels of holterflow_job_errors_total). */
export type ErrorKind = 'storage' | 'invalid-input' | 'other';

/**
 * Prometheus metrics. Queue depths and workers are read from Redis at scrape time (collect
 * callbacks), so they are never stale and nothing polls between scrapes; job durations, beats,
 * recorded hours and errors are counted from BullMQ's job events (job-events.ts). The registry is
 * per app instance, not prom-client's global one, so two coordinators in one process (tests) do
 * not clash.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly jobDuration = new Histogram({
    name: 'holterflow_job_duration_seconds',
    help: 'Time from a worker taking a job to its completion, per queue',
    labelNames: ['queue'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600],
    registers: [this.registry],
  });
  readonly beats = new Counter({
    name: 'holterflow_beats_classified_total',
    help: 'Beats classified by completed classify jobs (parts reused from S3 are not counted again)',
    registers: [this.registry],
  });
  readonly recordedHours = new Counter({
    name: 'holterflow_recorded_hours_total',
    help: 'Hours of ECG covered by completed classify jobs',
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'holterflow_job_errors_total',
    help: 'Failed job attempts per queue and kind (storage: S3 trouble; invalid-input: not retried; other)',
    labelNames: ['queue', 'kind'],
    registers: [this.registry],
  });

  constructor(@Inject(QueueRegistry) queues: QueueRegistry, @Inject(WorkersService) workers: WorkersService) {
    collectDefaultMetrics({ register: this.registry });
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
    new Gauge({
      name: 'holterflow_queue_backlog',
      help: 'Jobs waiting for a worker per queue (waiting + prioritized + delayed): the autoscaling signal',
      labelNames: ['queue'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const queue of queues.all()) {
          const counts = await queue.getJobCounts(...BACKLOG_STATES);
          this.set(
            { queue: queue.name },
            BACKLOG_STATES.reduce((sum, s) => sum + (counts[s] ?? 0), 0),
          );
        }
      },
    });
    new Gauge({
      name: 'holterflow_workers',
      help: 'Live worker processes per role and engine (heartbeat within 30 s)',
      labelNames: ['role', 'engine'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const w of await workers.live()) this.inc({ role: w.role, engine: w.engine });
      },
    });
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** The kind of a failed attempt, from BullMQ's failedReason and whether it will be retried. */
export function errorKindOf(reason: string, retriesLeft: boolean): ErrorKind {
  if (/^S3 \w+ s3:\/\//.test(reason)) return 'storage';
  if (!retriesLeft || /^invalid \w+ job:/.test(reason)) return 'invalid-input';
  return 'other';
}
