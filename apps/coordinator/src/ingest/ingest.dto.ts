/** The POST /ingest body and the answers of the ingest endpoints. */
import { z } from 'zod';
import { IngestSourceSchema, requestPrefix } from '@holterflow/contracts';

export const IngestRequestSchema = z.strictObject({
  /** Bucket of the raw objects and of the output: set by IngestRequestPipe from configuration. */
  bucket: z.string(),
  /** Prefix the canonical objects are written under, e.g. `recordings/mitdb`. */
  to: requestPrefix,
  records: z
    .array(
      z.strictObject({
        /** Defaults to the file name stem of the header / EDF object (`raw/100.hea` → `100`). */
        recordId: z.string().optional(),
        source: IngestSourceSchema,
      }),
    )
    .min(1, 'name at least one record')
    .max(10_000, 'at most 10,000 records per request; split larger archives'),
});
export type IngestRequest = z.infer<typeof IngestRequestSchema>;

/** What happened to each record of a POST /ingest. */
export type EnqueueOutcome = 'queued' | 'already-queued' | 'requeued';

export interface EnqueuedRecord {
  recordId: string;
  jobId: string;
  outcome: EnqueueOutcome;
}

export interface IngestJobStatus {
  jobId: string;
  recordId: string;
  /** BullMQ state: waiting, active, completed, failed, delayed, ... */
  state: string;
  progress: unknown;
  attemptsMade: number;
  result?: unknown;
  failedReason?: string;
}

/** JSON Schema for OpenAPI, generated from the zod schema so the docs cannot drift from the check. */
export const IngestRequestJsonSchema = (() => {
  const schema = z.toJSONSchema(IngestRequestSchema, { target: 'openapi-3.0', io: 'input' }) as {
    required?: string[];
  };
  // The bucket defaults to the coordinator's own (IngestRequestPipe fills it in).
  schema.required = (schema.required ?? []).filter((f) => f !== 'bucket');
  return schema;
})();
