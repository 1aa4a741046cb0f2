/**
 * What a worker role is made of: its queue, the processor that handles the queue's jobs, and how
 * BullMQ runs them. The types only, so processors and the role table can both import them
 * without importing each other.
 */
import type { Provider, Type } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import type {
  ContractQueue,
  JobPayload,
  JobResult,
  RunCancelledResult,
  WorkerRole,
} from '@holterflow/contracts';

/**
 * A job handler after the job runner (job-runner.ts) has parsed the payload: it returns the
 * queue's result (checked against its schema by the runner) or, for the run flow, a
 * RunCancelledResult. `signal` aborts when the job is cancelled (BullMQ worker.cancelJob).
 */
export interface RoleProcessor<Q extends ContractQueue> {
  process(payload: JobPayload<Q>, job: Job, signal?: AbortSignal): Promise<JobResult<Q> | RunCancelledResult>;
  /** Given the BullMQ Worker running this processor once it exists (train: cancels its jobs on request). */
  bindWorker?(worker: Worker): Promise<void>;
}

export interface RoleDefinition<Q extends ContractQueue = ContractQueue> {
  queue: Q;
  processor: Type<RoleProcessor<Q>>;
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

/** Each role's definition serves the queue of the same name (QUEUES values are the role names). */
export type RoleTable = { [R in WorkerRole]?: RoleDefinition<R> };
