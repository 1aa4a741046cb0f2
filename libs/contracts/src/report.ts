/**
 * The Holter report of one record (the `holter` section of summary.json). Every figure's unit
 * and definition is in libs/report/README.md; the names carry the unit (`Seconds`, `Bpm`, `Ms`,
 * `Percent`). Times are seconds from the start of the recording. Figures that cannot be computed
 * (no beats, too short, nothing analysable) are null, and `notes` says why in words.
 */
import { z } from 'zod';
import { AAMI_CLASSES } from './aami.js';

const seconds = z.number().nonnegative();
const count = z.number().int().nonnegative();
const bpm = z.number().nonnegative();
const classCounts = z.object(Object.fromEntries(AAMI_CLASSES.map((c) => [c, count])));

/** Lists of events in summary.json are capped (longest first); `count` is always the full count. */
export const REPORT_EVENT_LIST_LIMIT = 100;

/** A stretch of consecutive ectopic beats (couplet, run). */
export const BeatRunSchema = z.object({
  startS: seconds,
  endS: seconds,
  beats: count,
  /** 60 / mean RR between the run's beats. */
  rateBpm: bpm,
});
export type BeatRun = z.infer<typeof BeatRunSchema>;

export const RunStatsSchema = z.object({
  count,
  /** Beats in all runs together. */
  beats: count,
  /** Most beats (ties: the faster one). */
  longest: BeatRunSchema.nullable(),
  /** Highest rate (ties: the longer one). */
  fastest: BeatRunSchema.nullable(),
  /** Longest first, at most REPORT_EVENT_LIST_LIMIT. */
  list: z.array(BeatRunSchema),
});
export type RunStats = z.infer<typeof RunStatsSchema>;

export const EpisodeSchema = z.object({ startS: seconds, endS: seconds, durationS: seconds });
export type Episode = z.infer<typeof EpisodeSchema>;

/** Bigeminy / trigeminy: repeated cycles of normal beat(s) then one ectopic beat. */
export const PatternStatsSchema = z.object({
  minCycles: count,
  count,
  totalSeconds: seconds,
  longest: EpisodeSchema.extend({ cycles: count }).nullable(),
  list: z.array(EpisodeSchema.extend({ cycles: count })),
});
export type PatternStats = z.infer<typeof PatternStatsSchema>;

export const EctopySchema = z.object({
  /** Ectopic beats of the class in all (isolated + couplets + runs). */
  beats: count,
  isolated: count,
  couplets: count,
  /** Runs of exactly three (they are also counted in `runs`). */
  triplets: count,
  /** Three or more consecutive beats of the class. */
  runs: RunStatsSchema,
  couplet: z.object({ fastest: BeatRunSchema.nullable() }),
});
export type Ectopy = z.infer<typeof EctopySchema>;

export const VentricularEctopySchema = EctopySchema.extend({
  bigeminy: PatternStatsSchema,
  trigeminy: PatternStatsSchema,
});

export const PauseSchema = z.object({ startS: seconds, endS: seconds, durationS: seconds });
export type Pause = z.infer<typeof PauseSchema>;

export const PausesSchema = z.object({
  thresholdSeconds: seconds,
  count,
  longest: PauseSchema.nullable(),
  /** Longest first, at most REPORT_EVENT_LIST_LIMIT. */
  list: z.array(PauseSchema),
});
export type Pauses = z.infer<typeof PausesSchema>;

export const HeartRateSchema = z.object({
  /** Length of the window min and max are taken over. */
  windowSeconds: seconds,
  meanBpm: bpm.nullable(),
  minBpm: bpm.nullable(),
  minAtS: seconds.nullable(),
  maxBpm: bpm.nullable(),
  maxAtS: seconds.nullable(),
});
export type HeartRate = z.infer<typeof HeartRateSchema>;

export const HourSchema = z.object({
  hour: count,
  startS: seconds,
  analysableSeconds: seconds,
  beats: count,
  classCounts,
  meanBpm: bpm.nullable(),
  minBpm: bpm.nullable(),
  maxBpm: bpm.nullable(),
  vRuns: count,
  svRuns: count,
  pauses: count,
  afSeconds: seconds,
});
export type Hour = z.infer<typeof HourSchema>;

export const AtrialFibrillationSchema = z.object({
  /** Which detector, in words, with its reference. */
  detector: z.string(),
  windowBeats: count,
  minEpisodeSeconds: seconds,
  count,
  totalSeconds: seconds,
  /** AF time as % of analysable time. */
  burdenPercent: z.number().min(0).max(100).nullable(),
  longest: EpisodeSchema.nullable(),
  /** In time order, at most REPORT_EVENT_LIST_LIMIT (the first ones). */
  list: z.array(EpisodeSchema),
});
export type AtrialFibrillation = z.infer<typeof AtrialFibrillationSchema>;

export const HrvSchema = z.object({
  /** NN intervals used (after the exclusion rule). */
  nnIntervals: count,
  /** NN intervals as % of all RR intervals. */
  nnPercent: z.number().min(0).max(100).nullable(),
  meanNnMs: z.number().nullable(),
  sdnnMs: z.number().nullable(),
  sdannMs: z.number().nullable(),
  sdnnIndexMs: z.number().nullable(),
  rmssdMs: z.number().nullable(),
  pnn50Percent: z.number().nullable(),
  triangularIndex: z.number().nullable(),
  /** 5-min segments with enough NN intervals for the frequency domain. */
  spectralSegments: count,
  lfMs2: z.number().nullable(),
  hfMs2: z.number().nullable(),
  lfHf: z.number().nullable(),
});
export type Hrv = z.infer<typeof HrvSchema>;

export const HolterReportSchema = z.object({
  recording: z.object({
    durationSeconds: seconds,
    analysableSeconds: seconds,
    unanalysableSeconds: seconds,
    unanalysableStretches: count,
  }),
  beats: z.object({
    total: count,
    classCounts,
    /** % of beats per class. */
    burdenPercent: z.object(Object.fromEntries(AAMI_CLASSES.map((c) => [c, z.number().min(0).max(100)]))),
  }),
  heartRate: HeartRateSchema,
  ventricular: VentricularEctopySchema,
  supraventricular: EctopySchema,
  pauses: PausesSchema,
  atrialFibrillation: AtrialFibrillationSchema,
  hrv: HrvSchema,
  hourly: z.array(HourSchema),
  /** Plain-language caveats: no beats, one class only, nothing analysable, too short for HRV ... */
  notes: z.array(z.string()),
});
export type HolterReport = z.infer<typeof HolterReportSchema>;

/** Rhythm-rule settings of a run (RunOptions.report); every one has the default stated in the README. */
export const ReportOptionsSchema = z.object({
  /** An RR interval at least this long is a pause. */
  pauseThresholdSeconds: z.number().min(1).max(10).default(2),
  /** Cycles of (N, V) needed for a bigeminy episode, of (N, N, V) for trigeminy. */
  bigeminyMinCycles: z.number().int().min(2).max(100).default(3),
  trigeminyMinCycles: z.number().int().min(2).max(100).default(3),
  /** Shorter AF episodes are not reported. */
  afMinEpisodeSeconds: z.number().min(0).max(3600).default(30),
});
export type ReportOptions = z.infer<typeof ReportOptionsSchema>;
export const DEFAULT_REPORT_OPTIONS: ReportOptions = ReportOptionsSchema.parse({});
