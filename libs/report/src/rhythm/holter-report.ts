/**
 * The whole Holter report of one record from its beat sequence: every rule of this folder, the
 * hourly table and the notes that say what could not be computed and why. Also returns the
 * series the HTML report plots (per-minute rates, events), which are not stored in summary.json.
 */
import {
  AAMI_CLASSES,
  DEFAULT_REPORT_OPTIONS,
  HolterReportSchema,
  type AamiClass,
  type BeatRun,
  type Episode,
  type HolterReport,
  type Hour,
  type Pause,
  type ReportOptions,
} from '@holterflow/contracts';
import {
  analysableSecondsIn,
  prepareSequence,
  type BeatSequence,
  type PreparedSequence,
} from './beat-sequence.js';
import { classStretches, ectopy, stretchRun } from './ectopy.js';
import { patternEpisodes } from './patterns.js';
import { findPauses, pauseStats } from './pauses.js';
import { heartRate, minuteRates, type MinuteRates } from './heart-rate.js';
import { AF_WINDOW, afEpisodes, atrialFibrillation } from './atrial-fibrillation.js';
import { hrv, SEGMENT_S } from './hrv.js';

const HOUR_S = 3600;

export interface HolterAnalysis {
  report: HolterReport;
  prepared: PreparedSequence;
  minutes: MinuteRates;
  /** Every V and S run (three or more beats), every pause and every reported AF episode, in time order. */
  vRuns: BeatRun[];
  svRuns: BeatRun[];
  pauses: Pause[];
  afEpisodes: Episode[];
}

function counts(): Record<AamiClass, number> {
  return Object.fromEntries(AAMI_CLASSES.map((c) => [c, 0])) as Record<AamiClass, number>;
}

function runsOf(p: PreparedSequence, cls: AamiClass): BeatRun[] {
  return classStretches(p, cls)
    .filter((s) => s.last - s.first >= 2)
    .map((s) => stretchRun(p, s));
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

function hourlyTable(
  p: PreparedSequence,
  minutes: MinuteRates,
  vRuns: readonly BeatRun[],
  svRuns: readonly BeatRun[],
  pauses: readonly Pause[],
  af: readonly Episode[],
): Hour[] {
  const hours = Math.max(1, Math.ceil(p.durationS / HOUR_S));
  const rows: Hour[] = [];
  const hourOf = (t: number) => Math.min(hours - 1, Math.floor(t / HOUR_S));
  for (let h = 0; h < hours; h++) {
    rows.push({
      hour: h,
      startS: h * HOUR_S,
      analysableSeconds: analysableSecondsIn(p, h * HOUR_S, (h + 1) * HOUR_S),
      beats: 0,
      classCounts: counts(),
      meanBpm: null,
      minBpm: null,
      maxBpm: null,
      vRuns: 0,
      svRuns: 0,
      pauses: 0,
      afSeconds: 0,
    });
  }
  for (let i = 0; i < p.classes.length; i++) {
    const row = rows[hourOf(p.timeS[i])];
    row.beats++;
    row.classCounts[p.classes[i]]++;
  }
  const rrSum = new Float64Array(hours);
  const rrN = new Float64Array(hours);
  for (let i = 1; i < p.rrS.length; i++)
    if (Number.isFinite(p.rrS[i])) {
      const h = hourOf(p.timeS[i]);
      rrSum[h] += p.rrS[i];
      rrN[h]++;
    }
  for (let m = 0; m < minutes.meanBpm.length; m++) {
    const r = minutes.meanBpm[m];
    if (Number.isNaN(r)) continue;
    const row = rows[hourOf(m * 60)];
    row.minBpm = row.minBpm === null ? r : Math.min(row.minBpm, r);
    row.maxBpm = row.maxBpm === null ? r : Math.max(row.maxBpm, r);
  }
  for (const row of rows) row.meanBpm = rrN[row.hour] > 0 ? (60 * rrN[row.hour]) / rrSum[row.hour] : null;
  for (const r of vRuns) rows[hourOf(r.startS)].vRuns++;
  for (const r of svRuns) rows[hourOf(r.startS)].svRuns++;
  for (const x of pauses) rows[hourOf(x.startS)].pauses++;
  for (const e of af)
    for (const row of rows) row.afSeconds += overlap(e.startS, e.endS, row.startS, row.startS + HOUR_S);
  return rows;
}

/** The reasons of UNREADABLE_REASONS (libs/contracts) in a reader's words. */
const REASON_WORDS: Record<string, string> = {
  missing: 'missing samples (NaN)',
  flat: 'a flat signal (no electrical activity: a lead off or a constant value)',
  saturated: 'a signal clipped at the amplifier rail',
  noise: 'noise with no recognisable QRS complexes',
};

/** "noise with ... 540 s, a flat signal ... 60 s": the unanalysable time by reason, longest first. */
export function unanalysableReasons(seq: BeatSequence): string {
  const byReason = new Map<string, number>();
  for (const r of seq.unanalysable) {
    const seconds = (Math.min(r.end, seq.numSamples) - Math.max(0, r.start)) / seq.fs;
    if (seconds <= 0) continue;
    const reason = r.reason ?? 'unknown';
    byReason.set(reason, (byReason.get(reason) ?? 0) + seconds);
  }
  return [...byReason]
    .sort((a, b) => b[1] - a[1])
    .map(([reason, s]) => `${REASON_WORDS[reason] ?? reason} ${Math.round(s)} s`)
    .join(', ');
}

function notesFor(seq: BeatSequence, p: PreparedSequence, report: Omit<HolterReport, 'notes'>): string[] {
  const notes: string[] = [];
  const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;
  if (report.recording.analysableSeconds === 0)
    notes.push(
      `Unanalysable: no lead is readable anywhere in the recording (${unanalysableReasons(seq)}); no beat is reported and no figure is available.`,
    );
  else if (report.recording.unanalysableSeconds > 0)
    notes.push(
      `${minutes(report.recording.unanalysableSeconds)} in ${report.recording.unanalysableStretches} stretch(es) could not be analysed (${unanalysableReasons(seq)}) and are excluded from every figure.`,
    );
  if (report.beats.total === 0 && report.recording.analysableSeconds > 0)
    notes.push('No beats were detected: heart rate, ectopy, pauses, AF and HRV are not available.');
  const present = AAMI_CLASSES.filter((c) => report.beats.classCounts[c] > 0);
  if (present.length === 1) notes.push(`Every beat is of class ${present[0]}.`);
  if (p.durationS < HOUR_S)
    notes.push(`The recording is ${minutes(p.durationS)} long: the hourly table has one partial hour.`);
  if (p.classes.length > 0 && p.classes.length <= AF_WINDOW)
    notes.push(`AF detection needs more than ${AF_WINDOW} consecutive RR intervals; this record has fewer.`);
  if (report.hrv.spectralSegments === 0 && report.beats.total > 0)
    notes.push(
      `No ${SEGMENT_S / 60}-min segment has NN intervals covering half of it: frequency-domain HRV (and SDANN, SDNN index) not available.`,
    );
  return notes;
}

export function analyseHolter(
  seq: BeatSequence,
  options: ReportOptions = DEFAULT_REPORT_OPTIONS,
): HolterAnalysis {
  const p = prepareSequence(seq);
  const classCounts = counts();
  for (const c of p.classes) classCounts[c]++;
  const total = p.classes.length;
  const minutes = minuteRates(p);
  const pauses = findPauses(p, options.pauseThresholdSeconds);
  const afFound = afEpisodes(p);
  const af = atrialFibrillation(p, afFound, options.afMinEpisodeSeconds);
  const allAf = afFound.filter((e) => e.durationS >= options.afMinEpisodeSeconds);
  const vRuns = runsOf(p, 'V');
  const svRuns = runsOf(p, 'S');
  const body: Omit<HolterReport, 'notes'> = {
    recording: {
      durationSeconds: p.durationS,
      analysableSeconds: p.analysableS,
      unanalysableSeconds: p.durationS - p.analysableS,
      unanalysableStretches: p.gapsS.length,
    },
    beats: {
      total,
      classCounts,
      burdenPercent: Object.fromEntries(
        AAMI_CLASSES.map((c) => [c, total === 0 ? 0 : (100 * classCounts[c]) / total]),
      ) as Record<AamiClass, number>,
    },
    heartRate: heartRate(p, minutes),
    ventricular: {
      ...ectopy(p, 'V'),
      bigeminy: patternEpisodes(p, 1, options.bigeminyMinCycles),
      trigeminy: patternEpisodes(p, 2, options.trigeminyMinCycles),
    },
    supraventricular: ectopy(p, 'S'),
    pauses: pauseStats(pauses, options.pauseThresholdSeconds),
    atrialFibrillation: af,
    hrv: hrv(p),
    hourly: [],
  };
  body.hourly = hourlyTable(p, minutes, vRuns, svRuns, pauses, allAf);
  const report = HolterReportSchema.parse({ ...body, notes: notesFor(seq, p, body) });
  return { report, prepared: p, minutes, vRuns, svRuns, pauses, afEpisodes: allAf };
}
