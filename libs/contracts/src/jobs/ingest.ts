/**
 * The `ingest` queue: one job converts one raw record already on S3 (WFDB or EDF) into the
 * canonical objects `<targetPrefix>/<recordId>.parquet` (+ `.beats.parquet`).
 * Payloads are validated when a job is added and again when a worker takes it, so a job written
 * by an older or foreign producer fails loudly instead of half-working.
 */
import { z } from 'zod';
import { isSafeId, normalisePrefix, requestPrefixProblem } from '../keys.js';
import { requestObjectKey } from './request-paths.js';

/** An S3 object key as a producer may name it (request-paths.ts: relative, no "..", no empty segment). */
const objectKey = requestObjectKey;

/** S3 bucket names (the DNS-compatible subset every S3 API accepts). */
const bucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'not a valid S3 bucket name');

const recordId = z.string().refine(isSafeId, {
  message: "record ids are 1-128 letters, digits, '_', '-' or '.', not starting with '.'",
});

/**
 * Target prefix inside the bucket, normalised (no leading/trailing '/'). ':' is refused because
 * the prefix is part of the BullMQ job id, where ':' separates fields.
 */
const targetPrefix = z
  .string()
  .refine((p) => !p.includes(':'), 'the target prefix may not contain ":"')
  .superRefine((p, ctx) => {
    const problem = requestPrefixProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', message: `the target prefix ${problem}` });
  })
  .transform((p) => normalisePrefix(p));

export const WfdbSourceSchema = z.strictObject({
  format: z.literal('wfdb'),
  /** The `.hea` object. */
  header: objectKey,
  /** Every data file the header names (usually one `.dat`), matched by file name. */
  data: z.array(objectKey).min(1).max(32),
  /** The reference annotation file (`.atr`), when the record has one. */
  annotations: objectKey.optional(),
});

export const EdfSourceSchema = z.strictObject({
  format: z.literal('edf'),
  file: objectKey,
});

export const IngestSourceSchema = z.discriminatedUnion('format', [WfdbSourceSchema, EdfSourceSchema]);
export type IngestSource = z.infer<typeof IngestSourceSchema>;

export const IngestJobSchema = z.object({
  /** Bucket holding both the raw objects and the canonical output. */
  bucket: bucketName,
  recordId,
  source: IngestSourceSchema,
  targetPrefix,
});
export type IngestJob = z.infer<typeof IngestJobSchema>;
/** What a producer writes before normalisation (targetPrefix may still carry slashes). */
export type IngestJobInput = z.input<typeof IngestJobSchema>;

export const IngestResultSchema = z.object({
  recordId,
  /** Samples per lead. */
  samples: z.number().int().nonnegative(),
  /** Lead names, in column order. */
  leads: z.array(z.string()),
  fs: z.number().positive(),
  /** Reference beats written beside the recording; absent when the record has no annotations. */
  beats: z.number().int().nonnegative().optional(),
  /** Bytes written (recording + beats objects). */
  bytes: z.number().int().nonnegative(),
  /** Keys written. */
  keys: z.object({ recording: z.string(), referenceBeats: z.string().optional() }),
});
export type IngestResult = z.infer<typeof IngestResultSchema>;

/**
 * Deterministic job id, so submitting the same record to the same place twice is one job.
 * BullMQ accepts ':' in custom ids only as exactly three fields, hence `ingest:<bucket>/<prefix>:<id>`.
 */
export function ingestJobId(job: Pick<IngestJob, 'bucket' | 'targetPrefix' | 'recordId'>): string {
  const prefix = normalisePrefix(job.targetPrefix);
  return `ingest:${job.bucket}/${prefix}:${job.recordId}`;
}
