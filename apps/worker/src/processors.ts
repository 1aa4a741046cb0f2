/**
 * The role → processor table (immich's job-handler table, here keyed by worker role = queue).
 * A role is runnable exactly when it has an entry; config.ts refuses the others by name.
 */
import type { Provider, Type } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { QUEUES, type QueueName, type WorkerRole } from '@holterflow/contracts';
import { IngestProcessor } from './ingest/ingest.processor.js';
import { PIPELINE_ROLES } from './pipeline/roles.js';
import { TrainCancellation } from './train/train-cancellation.js';
import { TrainProcessor } from './train/train.processor.js';

export interface RoleProcessor {
  /** `signal` aborts when the job is cancelled (BullMQ worker.cancelJob). */
  process(job: Job, signal?: AbortSignal): Promise<unknown>;
  /** Given the BullMQ Worker running this processor once it exists (train: cancels its jobs on request). */
  bindWorker?(worker: Worker): Promise<void>;
}

export interface RoleDefinition {
  queue: QueueName;
  processor: Type<RoleProcessor>;
  /** Compute backend the role reports in its heartbeat; model roles will report their TF.js backend. */
  backend: string;
  /**
   * How long a job's lock lasts without renewal (BullMQ's 30 s when absent). Renewal runs on the
   * event loop, which a synchronous step blocks (ingesting a 24 h record: ~25 s of decoding and
   * Parquet encoding here); the lock must outlast the longest such step, or the job is declared
   * stalled and run twice.
   */
  lockDurationMs?: number;
  /** Services the processor needs besides the worker's shared ones (e.g. compute threads). */
  providers?: Provider[];
}

export const ROLE_TABLE: Partial<Record<WorkerRole, RoleDefinition>> = {
  ingest: { queue: QUEUES.ingest, processor: IngestProcessor, backend: 'none', lockDurationMs: 5 * 60_000 },
  ...PIPELINE_ROLES,
  // Reading a 100k-beat dataset and SMOTE's kNN block the event loop for tens of seconds.
  train: {
    queue: QUEUES.train,
    processor: TrainProcessor,
    backend: 'tfjs',
    lockDurationMs: 5 * 60_000,
    providers: [TrainCancellation],
  },
};

export const IMPLEMENTED_ROLES = Object.keys(ROLE_TABLE) as WorkerRole[];
