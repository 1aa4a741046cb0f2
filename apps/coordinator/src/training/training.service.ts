/**
 * /training over libs/train-jobs (the functions `holterflow train` and `train cancel` use): the
 * coordinator's train queue and Redis connection, and object stores only for the buckets it
 * serves — a job submitted from the CLI may name another bucket, whose checkpoint is then not read.
 */
import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ObjectStorePool } from '@holterflow/storage';
import { QUEUES, trainJobId, type TrainJob } from '@holterflow/contracts';
import {
  cancelTraining,
  listTraining,
  submitTraining,
  trainingStatus,
  type CancelOutcome,
  type TrainJobsContext,
  type TrainingStatus,
  type TrainingSummary,
} from '@holterflow/train-jobs';
import type { Principal } from '@holterflow/auth';
import { allowedBucketsOf, COORDINATOR_CONFIG, type CoordinatorConfig } from '../config.js';
import { REDIS } from '../queues/redis.js';
import { OBJECT_STORES } from '../storage/storage.module.js';
import type { TrainingRequest } from './training.dto.js';

export interface SubmittedTraining {
  jobId: string;
  version: string;
  state: string;
  /** A failed (e.g. cancelled) job of the version was replaced: this one resumes from its checkpoint. */
  replacedFailed: boolean;
  /** Where to follow it. */
  status: string;
}

/** The API's answer to a cancel: the library's outcome, with the resume as a POST /training body. */
export type CancelAnswer = CancelOutcome & { resumeRequest?: Record<string, unknown> };

@Injectable()
export class TrainingService {
  private readonly context: TrainJobsContext;
  private readonly served: ReadonlySet<string>;

  constructor(
    @InjectQueue(QUEUES.train) queue: Queue,
    @Inject(REDIS) redis: Redis,
    @Inject(OBJECT_STORES) private readonly stores: ObjectStorePool,
    @Inject(COORDINATOR_CONFIG) private readonly config: CoordinatorConfig,
  ) {
    this.served = new Set(allowedBucketsOf(config));
    this.context = {
      queue,
      redis,
      queuePrefix: config.queuePrefix,
      storeFor: (bucket) => (this.served.has(bucket) ? this.stores.forBucket(bucket) : undefined),
    };
  }

  async submit(request: TrainingRequest): Promise<SubmittedTraining> {
    const { bucket, dataKey, protocol, version, ...config } = request;
    // The pipe admitted only a bucket this coordinator serves.
    const store = this.stores.forBucket(bucket);
    if (!(await store.exists(dataKey))) {
      const problem = (await store.bucketExists())
        ? { field: 'dataKey', problem: `no object ${JSON.stringify(dataKey)} in bucket ${bucket}` }
        : { field: 'bucket', problem: `no bucket ${bucket} at ${this.config.storage.endpoint ?? 'AWS S3'}` };
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message:
          problem.field === 'dataKey'
            ? `the dataset s3://${bucket}/${dataKey} does not exist; nothing was queued`
            : `bucket ${bucket} does not exist at ${this.config.storage.endpoint ?? 'AWS S3'}; nothing was queued`,
        problems: [problem],
      });
    }
    const outcome = await submitTraining(this.context, { bucket, dataKey, protocol, version, config });
    if (outcome.outcome === 'exists')
      throw new ConflictException(
        outcome.state === 'completed'
          ? `model version ${version} was trained already (job ${outcome.jobId} completed; ` +
              `models/${version}/): submit under another version`
          : `model version ${version} is already training (job ${outcome.jobId} is ${outcome.state}); ` +
              `follow it at GET /training/${version} or cancel it first`,
      );
    if (outcome.outcome === 'model-exists')
      throw new ConflictException(
        `model version ${version} exists (${outcome.model}) and was not written by a training job of ` +
          `that version: submit under another version`,
      );
    return {
      jobId: outcome.jobId,
      version,
      state: outcome.state,
      replacedFailed: outcome.replacedFailed,
      status: `/training/${version}`,
    };
  }

  list(state: string | undefined, limit: number): Promise<TrainingSummary[]> {
    return listTraining(this.context, limit).then((all) =>
      state === undefined ? all : all.filter((t) => t.state === state),
    );
  }

  async status(version: string): Promise<TrainingStatus> {
    const status = await trainingStatus(this.context, version);
    if (!status) throw this.notFound(version);
    return status;
  }

  async cancel(version: string, timeoutMs: number, caller: Principal | undefined): Promise<CancelAnswer> {
    const outcome = await cancelTraining(this.context, version, {
      timeoutMs,
      // Ids only: a key's name is free text.
      reason: `cancelled by API key ${caller?.keyId ?? 'unknown'} (${caller?.role ?? 'no role'}) with POST /training/${version}/cancel`,
    });
    if (outcome.outcome === 'not-found') throw this.notFound(version);
    if (outcome.outcome === 'completed')
      throw new ConflictException(
        `training job ${outcome.jobId} ${outcome.duringCancel ? 'completed before the cancel reached it' : 'already completed'}: ` +
          `nothing to cancel (model ${outcome.model})`,
      );
    const stop = 'stop' in outcome ? outcome.stop : undefined;
    return stop ? { ...outcome, resumeRequest: resumeRequestOf(stop.resume.payload) } : outcome;
  }

  private notFound(version: string): NotFoundException {
    return new NotFoundException(
      `no training job ${trainJobId({ version })} in queue ${QUEUES.train}; finished jobs are kept until BullMQ trims them`,
    );
  }
}

/** The POST /training body that continues a stopped job after its checkpoint. */
function resumeRequestOf(payload: TrainJob): Record<string, unknown> {
  const { bucket, dataKey, protocol, version, config } = payload;
  return { bucket, dataKey, protocol, version, ...config };
}
