/**
 * The train worker's side of `holterflow train cancel` (contracts: trainCancelChannel,
 * trainCancelKey). Two paths, because either alone misses cases:
 * - pub/sub: every train worker subscribes; the one running the job aborts it with BullMQ's
 *   worker.cancelJob(), whose AbortSignal stops libs/training at the next batch boundary.
 * - the cancel key: read before a job starts, so a job that was active in a worker that died or
 *   restarted (and missed the message) fails when BullMQ hands it out again instead of resuming.
 *
 * BullMQ 6.7 ships a `Relay` doing the pub/sub part (docs.bullmq.io/guide/relay/examples/
 * cancelling-jobs-on-other-workers); it is marked experimental ("API may change in minor
 * releases"), and this is a few lines of plain Redis, so we do not depend on it.
 */
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  TrainCancelRequestSchema,
  trainCancelChannel,
  trainCancelKey,
  type TrainCancelRequest,
} from '@holterflow/contracts';
import { WORKER_CONFIG, type WorkerConfig } from '../config.js';
import { REDIS } from '../redis.js';

@Injectable()
export class TrainCancellation implements OnApplicationShutdown {
  private readonly logger = new Logger('train-cancel');
  /** Only created when a train worker starts: ioredis in subscribe mode can run nothing else. */
  private subscriber: Redis | undefined;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {}

  /** Aborts `worker`'s job whenever a cancel request for it is published. */
  async listen(worker: Worker): Promise<void> {
    const channel = trainCancelChannel(this.config.queuePrefix);
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (err: Error) => this.logger.error(`cancel subscriber: ${err.message}`));
    subscriber.on('message', (from: string, message: string) => {
      if (from !== channel) return;
      const request = parseRequest(message);
      if (!request) return this.logger.warn(`ignoring a malformed cancel request: ${message.slice(0, 200)}`);
      // Every train worker hears every request; only the one running the job has it tracked.
      if (worker.cancelJob(request.jobId, request.reason))
        this.logger.log(`cancelling training job ${request.jobId}: ${request.reason}`);
    });
    await subscriber.subscribe(channel);
  }

  /** The pending cancel request of `jobId`, if one was made and not cleared by a re-submit. */
  async requestFor(jobId: string): Promise<TrainCancelRequest | undefined> {
    const stored = await this.redis.get(trainCancelKey(this.config.queuePrefix, jobId));
    return stored === null ? undefined : parseRequest(stored);
  }

  /** After the workers closed (WorkerHost's grace period), so a cancel is heard until then. */
  async onApplicationShutdown(): Promise<void> {
    const subscriber = this.subscriber;
    if (subscriber && subscriber.status !== 'end')
      await subscriber.quit().catch(() => subscriber.disconnect());
  }
}

function parseRequest(raw: string): TrainCancelRequest | undefined {
  try {
    const parsed = TrainCancelRequestSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
