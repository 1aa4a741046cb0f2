/**
 * One table of queue → job contract (payload schema, result schema, deterministic id), in the
 * spirit of immich's job table: producers and processors look contracts up here by queue name,
 * so a queue cannot be wired without its validation. Only queues with a processor are listed.
 */
import type { z } from 'zod';
import { QUEUES } from '../queues.js';
import { IngestJobSchema, IngestResultSchema, ingestJobId } from './ingest.js';
import { FinalizeResultSchema, SummarizeResultSchema } from './pipeline.js';
import { TrainJobSchema, TrainResultSchema, trainJobId } from './train.js';
import {
  ClassifyJobSchema,
  ClassifyResultSchema,
  FinalizeJobSchema,
  SummarizeJobSchema,
  runJobIds,
  type ClassifyJob,
  type FinalizeJob,
  type SummarizeJob,
} from './runs.js';

export * from './ingest.js';
export * from './request-paths.js';
export * from './validation.js';
export * from './queue-env.js';
export * from './workers.js';
export * from './runs.js';
export * from './pipeline.js';
export * from './train.js';
export * from './train-checkpoint.js';

export const JOB_CONTRACTS = {
  [QUEUES.ingest]: {
    name: 'ingest-record',
    payload: IngestJobSchema,
    result: IngestResultSchema,
    jobId: ingestJobId,
    /**
     * Transient S3/Redis trouble is retried with exponential backoff (2, 4, 8, 16 s); bad input
     * is not retried at all (the processor throws BullMQ's UnrecoverableError for it).
     */
    attempts: 5,
    backoffMs: 2000,
  },
  /**
   * The run flow (runs.ts, pipeline.ts). Transient trouble is retried with exponential backoff
   * (2, 4 s); bad input fails at once (UnrecoverableError). A classify job that fails for good
   * leaves its record to summarize's error.json (FLOW_CHILD_FAILURE_POLICY).
   */
  [QUEUES.classify]: {
    name: 'classify-window',
    payload: ClassifyJobSchema,
    result: ClassifyResultSchema,
    jobId: (j: Pick<ClassifyJob, 'runId' | 'recordId' | 'window'>) =>
      runJobIds.classify(j.runId, j.recordId, j.window),
    attempts: 3,
    backoffMs: 2000,
  },
  [QUEUES.summarize]: {
    name: 'summarize-record',
    payload: SummarizeJobSchema,
    result: SummarizeResultSchema,
    jobId: (j: Pick<SummarizeJob, 'runId' | 'recordId'>) => runJobIds.summarize(j.runId, j.recordId),
    attempts: 3,
    backoffMs: 2000,
  },
  [QUEUES.finalize]: {
    name: 'finalize-run',
    payload: FinalizeJobSchema,
    result: FinalizeResultSchema,
    jobId: (j: Pick<FinalizeJob, 'runId'>) => runJobIds.finalize(j.runId),
    attempts: 3,
    backoffMs: 2000,
  },
  /**
   * Training (libs/training). A crashed or stalled job is retried and resumes after its last
   * checkpointed epoch; bad input fails at once (UnrecoverableError).
   */
  [QUEUES.train]: {
    name: 'train-model',
    payload: TrainJobSchema,
    result: TrainResultSchema,
    jobId: trainJobId,
    attempts: 3,
    backoffMs: 5000,
  },
} as const;
export type ContractQueue = keyof typeof JOB_CONTRACTS;

/** A queue's job payload, as its contract parses it. */
export type JobPayload<Q extends ContractQueue> = z.output<(typeof JOB_CONTRACTS)[Q]['payload']>;
/** A queue's job result, as its contract checks it. */
export type JobResult<Q extends ContractQueue> = z.output<(typeof JOB_CONTRACTS)[Q]['result']>;
