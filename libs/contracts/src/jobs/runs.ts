/**
 * Contracts of a classification run (docs/ARCHITECTURE.md "Queues and job ids"): the run manifest on S3
 * and the payloads of the flow finalize(run) ← summarize(record) ← classify(record, window).
 *
 * A window is a time range of one record, aligned to whole 10 s segmentation windows; it owns
 * the beats whose R-peak falls in [start, end) and is read with a margin on each side.
 */
import { z } from 'zod';
import { isSafeId, normalisePrefix } from '../keys.js';
import { AAMI_CLASSES } from '../aami.js';
import { WINDOW_SECONDS } from '../api/runs.js';
import { DEFAULT_REPORT_OPTIONS, HolterReportSchema, ReportOptionsSchema } from '../report.js';
import { requestObjectKey, requestPrefix } from './request-paths.js';

const safeId = (what: string) =>
  z.string().refine(isSafeId, {
    message: `${what} ids are 1-128 letters, digits, '_', '-' or '.', not starting with '.'`,
  });
const runId = safeId('run');
const recordId = safeId('record');
const modelVersion = safeId('model');
const bucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'not a valid S3 bucket name');
const objectKey = z.string().min(1).max(1024);

/** Options a run is submitted with; defaults chosen by measurement in the pipeline benchmark. */
export const RunOptionsSchema = z.object({
  /** Owned span of one classify job, in seconds (WINDOW_SECONDS). */
  windowSeconds: z
    .number()
    .int()
    .min(WINDOW_SECONDS.min)
    .max(WINDOW_SECONDS.max)
    .refine(
      (s) => s % WINDOW_SECONDS.multipleOf === 0,
      `windowSeconds must be a multiple of ${WINDOW_SECONDS.multipleOf}`,
    )
    .default(WINDOW_SECONDS.default),
  /** Signal read on each side of a window so its beats equal a whole-record pass. */
  marginSeconds: z.number().int().min(0).max(300).default(60),
  /** Rhythm-rule settings of the Holter report (pause threshold, pattern minimums, AF minimum). */
  report: ReportOptionsSchema.prefault({}),
});
export type RunOptions = z.infer<typeof RunOptionsSchema>;

/** What a lab submits (POST /runs, `holterflow run`). */
export const RunRequestSchema = z
  .strictObject({
    bucket: bucketName,
    /** Every recording (`*.parquet`, `*.arrow`, not `*.beats.parquet`) under this prefix. */
    prefix: requestPrefix.optional(),
    /**
     * With `prefix`: false takes only the recordings directly under it, not those of its
     * sub-prefixes (absent means true, so run ids of earlier requests stay the same).
     */
    recursive: z.boolean().optional(),
    /** Or an explicit list of recording keys. */
    recordings: z.array(requestObjectKey).min(1).max(100_000).optional(),
    /** Model version; the default model (models/DEFAULT) when absent. */
    model: modelVersion.optional(),
    /** Run id; derived from the request when absent so the same request resumes the same run. */
    runId: runId.optional(),
    options: RunOptionsSchema.strict().default({
      windowSeconds: 1800,
      marginSeconds: 60,
      report: DEFAULT_REPORT_OPTIONS,
    }),
  })
  .refine((r) => (r.prefix === undefined) !== (r.recordings === undefined), {
    message: 'name recordings by exactly one of "prefix" or "recordings"',
  })
  .transform((r) => ({ ...r, prefix: r.prefix === undefined ? undefined : normalisePrefix(r.prefix) }));
export type RunRequest = z.infer<typeof RunRequestSchema>;
export type RunRequestInput = z.input<typeof RunRequestSchema>;

/** One recording as planned from its Parquet footer (the signal is never read to plan). */
export const PlannedRecordSchema = z.object({
  recordId,
  recordingKey: objectKey,
  /** `<id>.beats.parquet` beside the recording, when it exists (evaluation.json is written then). */
  referenceBeatsKey: objectKey.optional(),
  fs: z.number().positive(),
  numSamples: z.number().int().nonnegative(),
  leads: z.array(z.string()).min(1),
  /**
   * Number of classify windows: ceil(numSamples / (windowSeconds * fs)), less one when the last
   * would be shorter than a minute (it joins the one before; the coordinator's plan.ts).
   */
  windows: z.number().int().nonnegative(),
});
export type PlannedRecord = z.infer<typeof PlannedRecordSchema>;

/** A recording that could not even be planned (unreadable footer, no sampling rate, ...). */
export const RejectedRecordSchema = z.object({
  recordId: z.string(),
  recordingKey: objectKey,
  error: z.string(),
});
export type RejectedRecord = z.infer<typeof RejectedRecordSchema>;

/** runs/<runId>/manifest.json — the run's source of truth together with the objects it names. */
export const RunManifestSchema = z.object({
  runId,
  bucket: bucketName,
  createdAt: z.string(),
  model: z.object({ version: modelVersion }),
  options: RunOptionsSchema,
  records: z.array(PlannedRecordSchema),
  rejected: z.array(RejectedRecordSchema).default([]),
  /** Set by finalize once summary.csv/.parquet are written. */
  completedAt: z.string().optional(),
  /** Set by POST /runs/:id/cancel: the run's queued jobs are removed and no new work starts. */
  cancelledAt: z.string().optional(),
});
export type RunManifest = z.infer<typeof RunManifestSchema>;

export const ClassifyJobSchema = z.object({
  runId,
  bucket: bucketName,
  recordId,
  recordingKey: objectKey,
  modelVersion,
  fs: z.number().positive(),
  numSamples: z.number().int().positive(),
  window: z.number().int().nonnegative(),
  /** Owned range [start, end) in record samples. */
  start: z.number().int().nonnegative(),
  end: z.number().int().positive(),
  marginSeconds: z.number().int().nonnegative(),
});
export type ClassifyJob = z.infer<typeof ClassifyJobSchema>;

/** Seconds spent per stage of one classify job (the pipeline benchmark adds them up). */
export const StageTimesSchema = z.object({
  read: z.number().nonnegative(),
  dsp: z.number().nonnegative(),
  inference: z.number().nonnegative(),
  write: z.number().nonnegative(),
});
export type StageTimes = z.infer<typeof StageTimesSchema>;

export const ClassifyResultSchema = z.object({
  beats: z.number().int().nonnegative(),
  partKey: objectKey,
  /** True when the part already existed in S3 and nothing was recomputed. */
  reused: z.boolean(),
  seconds: StageTimesSchema,
  /** Inference engine of the window (onnx, tfjs-...); absent for a reused part. */
  engine: z.string().optional(),
  /** Record-sample ranges inside the window where no lead could be read. */
  unreadable: z.array(z.object({ start: z.number().int(), end: z.number().int(), reason: z.string() })),
});
export type ClassifyResult = z.infer<typeof ClassifyResultSchema>;

export const SummarizeJobSchema = z.object({
  runId,
  bucket: bucketName,
  recordId,
  modelVersion,
  fs: z.number().positive(),
  numSamples: z.number().int().nonnegative(),
  windows: z.number().int().nonnegative(),
  referenceBeatsKey: objectKey.optional(),
  /** The recording, for report.html's ECG strips (absent in jobs queued before: no strips). */
  recordingKey: objectKey.optional(),
  /** The run's rhythm-rule settings (absent in jobs queued before they existed: the defaults). */
  report: ReportOptionsSchema.prefault({}),
});
export type SummarizeJob = z.infer<typeof SummarizeJobSchema>;

const classCounts = z.object(
  Object.fromEntries(AAMI_CLASSES.map((c) => [c, z.number().int().nonnegative()])),
);

/**
 * Why a stretch of a recording could not be analysed (libs/ecg signal quality, per second of each
 * lead): no samples (NaN), no electrical activity, a clipped amplifier, or noise that leaves no
 * beat trustworthy. A stretch is unanalysable only where no lead is readable.
 */
export const UNREADABLE_REASONS = ['missing', 'flat', 'saturated', 'noise'] as const;
export type UnreadableReason = (typeof UNREADABLE_REASONS)[number];

/** One unanalysable stretch of a record in summary.json, in seconds from the record start. */
export const UnanalysableStretchSchema = z.object({
  startS: z.number().nonnegative(),
  endS: z.number().nonnegative(),
  reason: z.enum(UNREADABLE_REASONS),
});
export type UnanalysableStretch = z.infer<typeof UnanalysableStretchSchema>;

/** How a record's results were computed. */
export const ProcessingSchema = z.object({
  /** Inference engines the classify windows ran on (e.g. onnx, tfjs-wasm); empty when every part was reused. */
  engines: z.array(z.string()),
  /** CPU-stage seconds of the classify windows (read + DSP + inference + write), summed. */
  classifySeconds: z.number().nonnegative(),
  /** Seconds summarize spent merging the parts and building the report. */
  summarizeSeconds: z.number().nonnegative(),
});
export type Processing = z.infer<typeof ProcessingSchema>;

/** runs/<runId>/records/<recordId>/summary.json: headline figures and the whole Holter report. */
export const RecordSummarySchema = z.object({
  runId,
  recordId,
  modelVersion,
  fs: z.number().positive(),
  durationSeconds: z.number().nonnegative(),
  beats: z.number().int().nonnegative(),
  classCounts: classCounts,
  /** Share of beats per class, 0..1. */
  burden: z.object(Object.fromEntries(AAMI_CLASSES.map((c) => [c, z.number().min(0).max(1)]))),
  meanHeartRateBpm: z.number().nonnegative().nullable(),
  /** Total duration of `unanalysable`. */
  unreadableSeconds: z.number().nonnegative(),
  /** The stretches where no beat was analysed, in time order (summaries written before this
   * field existed read as none listed). */
  unanalysable: z.array(UnanalysableStretchSchema).default([]),
  /** False when no second of the recording could be analysed (no lead readable anywhere: the
   * reasons are in `unanalysable`, beats is 0, `holter.notes` says so). Such a record is done,
   * not failed: its signal was read and judged. Older summaries read as true. */
  analysable: z.boolean().default(true),
  /** Absent in summaries written before the Holter report existed. */
  holter: HolterReportSchema.optional(),
  processing: ProcessingSchema.optional(),
});
export type RecordSummary = z.infer<typeof RecordSummarySchema>;

export const FinalizeJobSchema = z.object({ runId, bucket: bucketName });
export type FinalizeJob = z.infer<typeof FinalizeJobSchema>;

/**
 * Per-beat result columns (docs/ARCHITECTURE.md "Per-beat result columns"), in this order, for both the
 * window parts and the merged beats.parquet.
 */
export const BEAT_RESULT_COLUMNS = [
  'sample', // int64: R-peak in the record's samples
  'time_s', // float64: sample / fs
  'class', // string: N/S/V/F/Q
  'p_N',
  'p_S',
  'p_V',
  'p_F',
  'p_Q', // float32 each
  'rr_prev_ms',
  'rr_next_ms', // float32, NaN at the record ends
  'window', // int32
] as const;

/**
 * Every flow child is added with FLOW_CHILD_FAILURE_POLICY (pipeline.ts: ignoreDependencyOnFailure).
 * Deterministic BullMQ job ids (BullMQ accepts ':' in custom ids only as exactly three fields).
 * Re-submitting a run adds no new work: existing ids are not added again.
 */
export const runJobIds = {
  classify: (runIdValue: string, record: string, window: number) => `${runIdValue}:${record}:${window}`,
  summarize: (runIdValue: string, record: string) => `${runIdValue}:${record}:summary`,
  finalize: (runIdValue: string) => `${runIdValue}:run:finalize`,
};

/** What a run job id (or a BullMQ job key ending in one) names. */
export type RunJobRef =
  | { kind: 'classify'; runId: string; recordId: string; window: number }
  | { kind: 'summarize'; runId: string; recordId: string }
  | { kind: 'finalize'; runId: string };

/**
 * The inverse of runJobIds, for an id or for a BullMQ job key `<prefix>:<queue>:<id>` (the form
 * job.getIgnoredChildrenFailures reports; the prefix may hold ':' itself): the id is always the
 * last three fields. Undefined for anything runJobIds does not make.
 */
export function parseRunJobId(idOrKey: string): RunJobRef | undefined {
  const fields = idOrKey.split(':');
  if (fields.length < 3) return undefined;
  const [runIdValue, second, last] = fields.slice(-3);
  if (second === 'run' && last === 'finalize') return { kind: 'finalize', runId: runIdValue };
  if (last === 'summary') return { kind: 'summarize', runId: runIdValue, recordId: second };
  const window = Number(last);
  if (last !== '' && Number.isInteger(window))
    return { kind: 'classify', runId: runIdValue, recordId: second, window };
  return undefined;
}

/**
 * A parent job's ignored child failures (job.getIgnoredChildrenFailures: BullMQ job key → reason)
 * of one kind, keyed by what `keyOf` takes from each child's id (its window, its record).
 */
export function childFailures<K extends RunJobRef['kind'], T>(
  failures: Record<string, string>,
  kind: K,
  keyOf: (ref: Extract<RunJobRef, { kind: K }>) => T,
): Map<T, string> {
  const out = new Map<T, string>();
  for (const [jobKey, reason] of Object.entries(failures)) {
    const ref = parseRunJobId(jobKey);
    if (ref?.kind === kind) out.set(keyOf(ref as Extract<RunJobRef, { kind: K }>), reason);
  }
  return out;
}
