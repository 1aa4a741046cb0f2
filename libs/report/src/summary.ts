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
import type { SampleRange } from './rhythm/beat-sequence.js';

export interface RecordSummaryInput {
  runId: string;
  recordId: string;
  modelVersion: string;
  fs: number;
  numSamples: number;
  /** R-peaks in record samples, ascending. */
  samples: ArrayLike<number>;
  classes: readonly AamiClass[];
  /** Record-sample ranges where no lead could be read. */
  unreadable: readonly SampleRange[];
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
    holter,
    ...(input.processing ? { processing: input.processing } : {}),
  });
  return { summary, analysis };
}
