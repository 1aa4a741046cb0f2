/**
 * One table of queue → job contract (payload schema, result schema, deterministic id), in the
 * spirit of immich's job table: producers and processors look contracts up here by queue name,
 * so a queue cannot be wired without its validation. Only queues with a processor are listed.
 */
import { QUEUES } from '../queues.js';
import { IngestJobSchema, IngestResultSchema, ingestJobId } from './ingest.js';

export * from './ingest.js';
export * from './validation.js';
export * from './queue-env.js';
export * from './workers.js';
export * from './runs.js';

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
} as const;
export type ContractQueue = keyof typeof JOB_CONTRACTS;
