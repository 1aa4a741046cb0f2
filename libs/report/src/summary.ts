/**
 * A record's summary.json (RecordSummarySchema): the headline figures (class counts, burden,
 * mean heart rate, unreadable time) and the whole Holter report, from the merged per-beat
 * results. The rhythm rules are in ./rhythm; their definitions in this library's README.
 */
import {
  AAMI_CLASSES,
  DEFAULT_REPORT_OPTIONS,
  RecordSummarySchema,
  type AamiClass,
  type Processing,
  type RecordSummary,
  type ReportOptions,
} from '@holterflow/contracts';
import { analyseHolter, type HolterAnalysis } from './rhythm/holter-report.js';

export interface RecordSummaryInput {
  runId: string;
  recordId: string;
  modelVersion: string;
  fs: number;
  numSamples: number;
  /** R-peaks in record samples, ascending. */
  samples: ArrayLike<number>;
  classes: readonly AamiClass[];
  /** Record-sample ranges where no lead could be read (disjoint), with the reason; every
   * reason (noise too) is excluded from the analysable time and breaks RR intervals. */
  unreadable: readonly { start: number; end: number; reason: string }[];
  options?: ReportOptions;
  processing?: Processing;
}

export function summarizeRecord(input: RecordSummaryInput): RecordSummary {
  return summarizeWithAnalysis(input).summary;
}

/** The summary and the analysis it came from (the HTML report plots the analysis's series). */
export function summarizeWithAnalysis(input: RecordSummaryInput): {
  summary: RecordSummary;
  analysis: HolterAnalysis;
} {
  const analysis = analyseHolter(
    {
      fs: input.fs,
      numSamples: input.numSamples,
      samples: input.samples,
      classes: input.classes,
      unanalysable: input.unreadable,
    },
    input.options ?? DEFAULT_REPORT_OPTIONS,
  );
  const holter = analysis.report;
  const beats = holter.beats.total;
  const summary = RecordSummarySchema.parse({
    runId: input.runId,
    recordId: input.recordId,
    modelVersion: input.modelVersion,
    fs: input.fs,
    durationSeconds: holter.recording.durationSeconds,
    beats,
    classCounts: holter.beats.classCounts,
    burden: Object.fromEntries(
      AAMI_CLASSES.map((c) => [c, beats === 0 ? 0 : holter.beats.classCounts[c] / beats]),
    ),
    meanHeartRateBpm: holter.heartRate.meanBpm,
    unreadableSeconds: holter.recording.unanalysableSeconds,
    unanalysable: unanalysableStretches(input.unreadable, input.fs),
    analysable: holter.recording.analysableSeconds > 0,
    holter,
    ...(input.processing ? { processing: input.processing } : {}),
  });
  return { summary, analysis };
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
