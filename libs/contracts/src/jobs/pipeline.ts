/**
 * What the classify → summarize → finalize flow adds to runs.ts: how failure travels up the flow,
 * the per-record error.json, and the summarize/finalize results. Read with runs.ts.
 *
 * Failure policy (shared by the coordinator, who adds the flow, and the workers):
 * every child of the flow — each classify(window) under its summarize(record), each
 * summarize(record) under finalize(run) — is added with FLOW_CHILD_FAILURE_POLICY, i.e.
 * `ignoreDependencyOnFailure: true`. A child that fails for good (its attempts spent, or bad
 * input) is then moved to the parent's ignored failures with its reason, and the parent runs once
 * every other child has finished. Summarize reads those reasons (job.getIgnoredChildrenFailures)
 * and writes the record's error.json, so the run completes for the other records.
 * Why not the alternatives: `failParentOnFailure` fails summarize without running it (no
 * error.json, and the failure climbs to finalize); BullMQ's default leaves the parent waiting
 * for its children forever; `removeDependencyOnFailure` drops the reason;
 * `continueParentOnFailure` starts the parent while the record's other windows still run.
 * S3 stays the source of truth: summarize also treats any window whose part is missing as failed.
 */
import { z } from 'zod';
import { isSafeId } from '../keys.js';
import { AAMI_CLASSES } from '../aami.js';

const id = z.string().refine(isSafeId, { message: "ids are 1-128 letters, digits, '_', '-' or '.'" });

/** Add every child of a run's flow with these options (see above). */
export const FLOW_CHILD_FAILURE_POLICY = { ignoreDependencyOnFailure: true } as const;

/** runs/<runId>/records/<recordId>/error.json: why a record has no results. */
export const RecordErrorSchema = z.object({
  runId: id,
  recordId: id,
  /** The first failure, in words a lab technician can act on (the classify job's reason). */
  error: z.string(),
  /** Every window that has no part, with its job's failure reason when BullMQ kept one. */
  failedWindows: z.array(z.object({ window: z.number().int().nonnegative(), error: z.string() })),
});
export type RecordError = z.infer<typeof RecordErrorSchema>;

/**
 * What a classify, summarize or finalize job returns instead of its result when its run was
 * cancelled (the manifest's cancelledAt) before the job began: it wrote nothing. The job completes
 * rather than fails — a cancel is the lab's decision, not a fault: no failed jobs to alert on, no
 * record counted as failed — and the coordinator's cancel sweep removes it with the run's other jobs.
 */
export const RunCancelledResultSchema = z.object({
  runId: id,
  cancelled: z.literal(true),
  cancelledAt: z.string(),
});
export type RunCancelledResult = z.infer<typeof RunCancelledResultSchema>;

export const SummarizeResultSchema = z.object({
  recordId: id,
  /** complete: beats.parquet and summary.json written; failed: error.json written instead. */
  status: z.enum(['complete', 'failed']),
  beats: z.number().int().nonnegative(),
  failedWindows: z.array(z.number().int().nonnegative()),
  /** Written only where reference beats exist. */
  evaluated: z.boolean(),
});
export type SummarizeResult = z.infer<typeof SummarizeResultSchema>;

export const FinalizeResultSchema = z.object({
  records: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  /** Records that failed in the flow plus those rejected at planning. */
  failed: z.number().int().nonnegative(),
  beats: z.number().int().nonnegative(),
});
export type FinalizeResult = z.infer<typeof FinalizeResultSchema>;

const share = z.number().min(0).max(1);
const classFigures = z.object({
  /** Reference beats of the class (matched or missed). */
  reference: z.number().int().nonnegative(),
  truePositives: z.number().int().nonnegative(),
  /** TP / reference beats of the class; null without reference beats of it. */
  sensitivity: share.nullable(),
  /** TP / detected beats given the class (unmatched detections included); null when none were. */
  positivePredictivity: share.nullable(),
});

/**
 * runs/<runId>/records/<recordId>/evaluation.json, written where reference beats exist:
 * ANSI/AAMI EC57 beat-by-beat matching (150 ms), QRS detection Se/+P and per-class figures.
 */
export const RecordEvaluationSchema = z.object({
  recordId: id,
  referenceBeats: z.number().int().nonnegative(),
  detectedBeats: z.number().int().nonnegative(),
  detection: z.object({
    truePositives: z.number().int().nonnegative(),
    falseNegatives: z.number().int().nonnegative(),
    falsePositives: z.number().int().nonnegative(),
    sensitivity: share,
    positivePredictivity: share,
  }),
  classes: z.object(Object.fromEntries(AAMI_CLASSES.map((c) => [c, classFigures]))),
  /** confusion[reference][predicted] over matched beats, classes in N, S, V, F, Q order. */
  confusion: z.array(z.array(z.number().int().nonnegative())),
});
export type RecordEvaluation = z.infer<typeof RecordEvaluationSchema>;
