/**
 * The `train` role: one job trains one model version (libs/training runTraining) from a beat
 * dataset on S3 into models/<version>/ of the same bucket, reporting every epoch as job
 * progress. Checkpoints go to training/<jobId>/checkpoint/ after every epoch, so when a worker
 * dies mid-run BullMQ's stalled-job check hands the job to another worker, which continues after
 * the last checkpointed epoch instead of starting again.
 *
 * Bad input (payload, dataset) and cancellation fail the job for good (UnrecoverableError);
 * S3 or Redis trouble is thrown as is, so BullMQ retries with the contract's backoff.
 * Cancellation (`holterflow train cancel`) reaches a running job through TrainCancellation's
 * pub/sub and the job's AbortSignal, and a job (re)starting after a cancel through its cancel key.
 */
import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import {
  JOB_CONTRACTS,
  QUEUES,
  type TfBackendPreference,
  type TrainJob,
  type TrainProgress,
  type TrainResult,
} from '@holterflow/contracts';
import { currentBackend, initBackend } from '@holterflow/model';
import { runTraining, TrainingCancelledError, type TrainingStore } from '@holterflow/training';
import { WORKER_CONFIG, type WorkerConfig } from '../config.js';
import { ObjectStores } from '../stores.js';
import { TrainCancellation } from './train-cancellation.js';

const contract = JOB_CONTRACTS[QUEUES.train];

export interface TrainOptions {
  storeFor: (bucket: string) => TrainingStore;
  /** Aborts the job (cancel). */
  signal?: AbortSignal;
  /** Gradient threads (HOLTERFLOW_TRAIN_THREADS); 1 unless given. */
  threads?: number;
  /** HOLTERFLOW_TF_BACKEND. */
  tfBackend: TfBackendPreference;
}

/** One training job, its payload parsed by the job runner. */
export async function trainModel(payload: TrainJob, job: Job, options: TrainOptions): Promise<TrainResult> {
  const { storeFor, signal, threads = 1 } = options;
  try {
    if (!currentBackend()) await initBackend({ prefer: options.tfBackend });
    const store = storeFor(payload.bucket);
    const bytes = await store.get(payload.dataKey);
    const outcome = await runTraining({
      dataset: { bytes, name: payload.dataKey },
      protocol: payload.protocol,
      config: payload.config,
      store,
      version: payload.version,
      // Checkpoints belong to the job, so a retry of this job (same id) finds them.
      jobId: job.id ?? contract.jobId(payload),
      signal,
      // One wasm (or cpu) instance per thread; tfjs-node(-gpu) spreads one step over the host itself.
      threads: ['wasm', 'js-cpu'].includes(currentBackend()!.kind) ? threads : 1,
      onProgress: (r) => job.updateProgress(r satisfies TrainProgress),
    });
    return {
      version: outcome.version,
      accuracy: outcome.test.accuracy,
      macroF1: outcome.test.macroF1,
      epochs: outcome.history.length,
      bestEpoch: outcome.bestEpoch,
      resumedFromEpoch: outcome.resumedFromEpoch,
      keys: outcome.keys,
    };
  } catch (err) {
    // A cancelled job is final like bad input (which the job runner handles), with who and why.
    if (err instanceof TrainingCancelledError)
      throw new UnrecoverableError(err.message + cancelReasonSuffix(signal));
    throw err;
  }
}

/** Who cancelled and why (worker.cancelJob's reason), so the failed job's reason says it. */
function cancelReasonSuffix(signal: AbortSignal | undefined): string {
  return typeof signal?.reason === 'string' ? ` (${signal.reason})` : '';
}

@Injectable()
export class TrainProcessor {
  constructor(
    @Inject(ObjectStores) private readonly stores: ObjectStores,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(TrainCancellation) private readonly cancellation: TrainCancellation,
  ) {}

  bindWorker(worker: Worker): Promise<void> {
    return this.cancellation.listen(worker);
  }

  async process(payload: TrainJob, job: Job, signal?: AbortSignal): Promise<TrainResult> {
    // A retry after a crash or a stall would otherwise resume a job cancelled meanwhile.
    const cancelled = job.id === undefined ? undefined : await this.cancellation.requestFor(job.id);
    if (cancelled)
      throw new UnrecoverableError(
        `training cancelled before it started (${cancelled.reason}, requested ${cancelled.requestedAt})`,
      );
    return trainModel(payload, job, {
      storeFor: (bucket) => this.stores.forBucket(bucket),
      signal,
      threads: this.config.trainThreads,
      tfBackend: this.config.tfBackend,
    });
  }
}
