/**
 * A record's summary.json (RecordSummarySchema): class counts and burden, mean heart rate and
 * unreadable time, from the merged per-beat results. The full Holter report (runs, pauses, hourly
 * rates) is another issue and builds on the same inputs.
 */
import { AAMI_CLASSES, RecordSummarySchema, type AamiClass, type RecordSummary } from '@holterflow/contracts';

export interface RecordSummaryInput {
  runId: string;
  recordId: string;
  modelVersion: string;
  fs: number;
  numSamples: number;
  classes: readonly AamiClass[];
  /** RR interval to the previous beat, ms; NaN where there is no previous beat or it lies across an unreadable stretch. */
  rrPrevMs: ArrayLike<number>;
  /** Record-sample ranges where no lead could be read (disjoint), with the reason. */
  unreadable: readonly { start: number; end: number; reason: string }[];
}

export function summarizeRecord(input: RecordSummaryInput): RecordSummary {
  const counts = Object.fromEntries(AAMI_CLASSES.map((c) => [c, 0])) as Record<AamiClass, number>;
  for (const c of input.classes) counts[c]++;
  const beats = input.classes.length;
  const burden = Object.fromEntries(
    AAMI_CLASSES.map((c) => [c, beats === 0 ? 0 : counts[c] / beats]),
  ) as Record<AamiClass, number>;
  return RecordSummarySchema.parse({
    runId: input.runId,
    recordId: input.recordId,
    modelVersion: input.modelVersion,
    fs: input.fs,
    durationSeconds: input.numSamples / input.fs,
    beats,
    classCounts: counts,
    burden,
    meanHeartRateBpm: meanHeartRateBpm(input.rrPrevMs),
    unreadableSeconds: input.unreadable.reduce((s, u) => s + (u.end - u.start), 0) / input.fs,
    unanalysable: unanalysableStretches(input.unreadable, input.fs),
  });
}

/**
 * The stretches in seconds, in time order; stretches that touch and share a reason (one stretch
 * cut by window edges) become one.
 */
export function unanalysableStretches(
  ranges: readonly { start: number; end: number; reason: string }[],
  fs: number,
): { startS: number; endS: number; reason: string }[] {
  const out: { start: number; end: number; reason: string }[] = [];
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    if (last && last.end === r.start && last.reason === r.reason) last.end = r.end;
    else out.push({ start: r.start, end: r.end, reason: r.reason });
  }
  return out.map((r) => ({ startS: r.start / fs, endS: r.end / fs, reason: r.reason }));
}

/**
 * 60 000 / mean RR over the intervals that are known. The mean of intervals (not the mean of
 * instantaneous rates) is beats per minute of readable signal: it does not overweight short
 * intervals such as ectopic couplets.
 */
export function meanHeartRateBpm(rrMs: ArrayLike<number>): number | null {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < rrMs.length; i++) {
    const rr = rrMs[i];
    if (Number.isFinite(rr) && rr > 0) {
      sum += rr;
      n++;
    }
  }
  return n === 0 ? null : 60_000 / (sum / n);
}
