import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerRole } from '@holterflow/contracts';
import { WORKER_CONFIG, type WorkerConfig } from './config.js';
import { HeartbeatService } from './heartbeat.service.js';
import { ConcurrencyListener } from './concurrency-listener.js';
import { runJob } from './job-runner.js';
import { roleDefinitions } from './processors.js';
import { REDIS } from './redis.js';

/**
 * Starts one BullMQ Worker per configured role and stops them gracefully: on shutdown the
 * workers stop taking jobs, active jobs get `shutdownGraceMs` to finish, and whatever is still
 * running then is released (force close: its lock lapses and BullMQ's stalled-job check hands it
 * to another worker; the job is idempotent, since re-ingesting overwrites the same objects).
 */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('worker');
  private readonly workers: Worker[] = [];
  private readonly byRole = new Map<WorkerRole, Worker>();
  private concurrencyListener: ConcurrencyListener | undefined;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(HeartbeatService) private readonly heartbeat: HeartbeatService,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const started: { role: WorkerRole; backend: string; concurrency: number }[] = [];
    this.concurrencyListener = new ConcurrencyListener(this.redis, this.config.queuePrefix, (role, n) =>
      this.heartbeat.setConcurrency(role, n),
    );
    const definitions = roleDefinitions(this.config.roles);
    for (const [i, { role, concurrency: configured }] of this.config.roles.entries()) {
      // An admin's run-time setting (PUT /admin/workers/concurrency) outlives restarts.
      const concurrency = (await this.concurrencyListener.stored(role)) ?? configured;
      const definition = definitions[i];
      const processor = this.moduleRef.get(definition.processor, { strict: false });
      // Every job goes through the one runner: payload parsed, result checked, bad input final,
      // postponed (no attempt spent) while S3 is unreachable.
      const postponement = (job: Job, token: string | undefined) => ({
        token,
        onPostpone: (delayMs: number, err: Error) =>
          this.logger.warn(`${role} job ${job.id} postponed ${delayMs} ms, S3 unavailable: ${err.message}`),
      });
      const run = (job: Job, token: string | undefined, signal?: AbortSignal) =>
        runJob(
          definition.queue,
          job,
          signal,
          (payload, j, s) => processor.process(payload, j, s),
          postponement(job, token),
        );
      const worker = new Worker(definition.queue, (job, token, signal) => run(job, token, signal), {
        connection: this.redis,
        prefix: this.config.queuePrefix,
        concurrency,
        // BullMQ passes options straight to its Lua scripts, where an explicit `undefined` fails
        // ("arguments must be strings or integers"): leave the key out for BullMQ's default.
        ...(definition.lockDurationMs === undefined ? {} : { lockDuration: definition.lockDurationMs }),
        name: this.heartbeat.nameOf(role),
      });
      worker.on('failed', (job, err) =>
        this.logger.warn(
          `${role} job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${err.message}`,
        ),
      );
      worker.on('completed', (job) => {
        this.logger.log(`${role} job ${job.id} completed`);
        const beats = (job.returnvalue as { beats?: unknown } | undefined)?.beats;
        if (role === 'classify' && typeof beats === 'number') this.heartbeat.countBeats(role, beats);
      });
      worker.on('error', (err) => this.logger.error(`${role} worker error: ${err.message}`));
      this.workers.push(worker);
      this.byRole.set(role, worker);
      await processor.bindWorker?.(worker);
      await worker.waitUntilReady();
      started.push({ role, backend: definition.backend, concurrency });
    }
    await this.heartbeat.start(started);
    await this.concurrencyListener.start(this.byRole);
    this.logger.log(
      `running roles: ${started.map((r) => `${r.role} (concurrency ${r.concurrency})`).join(', ')}; ` +
        `queue prefix ${this.config.queuePrefix}, pid ${process.pid}`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.logger.log(`taking no new jobs; waiting up to ${this.config.shutdownGraceMs} ms for active ones`);
    await Promise.all(this.workers.map((w) => w.pause(true)));
    const finished = Promise.all(this.workers.map((w) => w.close())).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.config.shutdownGraceMs);
    });
    const clean = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    if (!clean) {
      this.logger.warn('grace period over: releasing the jobs still active to other workers');
      await Promise.all(this.workers.map((w) => w.close(true)));
    }
    await this.heartbeat.stop();
    await this.concurrencyListener?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status !== 'end') await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
