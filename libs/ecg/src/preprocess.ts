/**
 * From native-rate leads (mV) to clean 125 Hz leads: band-limited resampling, then zero-phase
 * Butterworth filtering at 125 Hz — high-pass 0.5 Hz against baseline wander (respiration,
 * electrode motion) and low-pass 40 Hz against powerline (50/60 Hz) and muscle noise. Filtering
 * after resampling costs a third of filtering at 360 Hz; zero-phase keeps the QRS where it is.
 */
import { RecordInputError } from '@holterflow/contracts';
import { butterworthHighpass, butterworthLowpass, filterZeroPhase, type Biquad } from './filters/biquad.js';
import { createResampler, type Resampler } from './resample.js';
import {
  AGREEMENT_LIMIT,
  beatAgreement,
  blockEnergyStats,
  NOISE_FLOOR_LIMIT,
  noiseFloor,
  SINGLE_LEAD_FLOOR_LIMIT,
  SQI_CONTEXT_BLOCKS,
} from './noise-quality.js';
import { qrsFeature, type QrsFeature } from './qrs/feature.js';
import { TWIN_LIMIT, twinIndex } from './template-quality.js';
import { detectQrsPeaks } from './qrs/detector.js';
import {
  assessLead,
  hasMissing,
  hasMissingIn,
  NOISE_VERDICT,
  NOT_JUDGED,
  REASONS,
  withoutMissing,
  type LeadQuality,
  type UnreadableReason,
} from './quality.js';

import { BEAT_FS } from './beat-rate.js';
export { BEAT_FS };
export const BASELINE_CUTOFF_HZ = 0.5;
export const NOISE_CUTOFF_HZ = 40;

const baselineFilter: Biquad[] = butterworthHighpass(BASELINE_CUTOFF_HZ, BEAT_FS, 2);
const noiseFilter: Biquad[] = butterworthLowpass(NOISE_CUTOFF_HZ, BEAT_FS, 4);
/** The whole 125 Hz band-pass, exported so tests can check its frequency response. */
export const CLEANING_FILTER: readonly Biquad[] = [...baselineFilter, ...noiseFilter];

export interface PreprocessedLeads {
  /** Native sampling rate of the input. */
  fs: number;
  /** Record sample index (native rate) of the first input sample. */
  offset: number;
  /** Absolute 125 Hz index (time k/125 s from the record start) of element 0 of each lead. */
  first: number;
  /** Cleaned leads at 125 Hz, mV; null for a lead that never has to stand in for the primary.
   * A stand-in lead is cleaned only over its `spans` (zero elsewhere). */
  leads: (Float32Array | null)[];
  /** Per lead, the 125 Hz spans [start, end) (array indices) over which it was cleaned. */
  spans: Span[][];
  /** Per lead and 125 Hz sample: 1 where the lead is readable. The other leads are judged only
   * in the quality blocks where the primary lead is unreadable (0 elsewhere; all 0 when the
   * primary lead is readable throughout): nothing reads them anywhere else. */
  readable: Uint8Array[];
  /** Native-rate stretches of the input where no lead is readable. */
  unreadable: UnreadableStretch[];
  /** The primary lead's QRS feature over the whole input (computed for its noise verdicts). */
  primaryFeature: QrsFeature;
  /** Per 125 Hz sample, 1 where the primary lead's raw samples carry a signal (not missing, flat
   * or saturated; noise verdicts aside): beats there are cut from it even where another lead
   * stood in for its detection (segment.ts). */
  primarySignal: Uint8Array;
  /** The detector's peaks on the primary lead (computed for its noise verdicts), set when the
   * primary lead is readable throughout: then they are the record's peaks (detectBeats reuses
   * them rather than detecting twice). */
  primaryPeaks?: Int32Array;
  /** The second lead (secondLead of preprocessLeads) cleaned over the whole input, for its cut:
   * the rhythm model's second-lead features compare each beat there with its template. */
  second?: { lead: number; signal: Float32Array };
}

export interface Span {
  start: number;
  end: number;
}

/** Context cleaned around a stretch where a stand-in lead is needed: filter transients die here. */
const STAND_IN_CONTEXT = 10 * BEAT_FS;

export interface UnreadableStretch {
  /** Native sample range [start, end) of the record in which no lead is readable. */
  start: number;
  end: number;
  reason: UnreadableReason;
}

export interface PreprocessOptions {
  /** Record sample index (native rate) of signals[i][0]; 0 for a whole record. */
  offset?: number;
  /** The lead to prefer (MLII); the others stand in where it is unreadable. */
  primaryLead?: number;
  /** Names the recording in RecordInputError messages. */
  recordId?: string;
  /** A lead to clean over the whole input beside the primary, for its cut. */
  secondLead?: number;
  /** Every detector run keeps the small interposed beats (qrs/detector.ts; training copies only). */
  keepInterposedNoise?: boolean;
}

/** QRS peaks of a stretch's energy feature, indices into the stretch. */
type PeaksOf = (feature: { energy: Float32Array; band: Float32Array }, start: number) => Int32Array;

export function preprocessLeads(
  signals: readonly Float32Array[],
  fs: number,
  options: PreprocessOptions = {},
): PreprocessedLeads {
  const { offset = 0, primaryLead = 0, recordId = 'recording', secondLead, keepInterposedNoise } = options;
  const fail = (problem: string): never => {
    throw new RecordInputError(recordId, problem);
  };
  if (signals.length === 0) fail('has no ECG leads');
  const n = signals[0].length;
  if (n === 0) fail('has no samples');
  if (signals.some((s) => s.length !== n))
    fail(`its leads differ in length (${signals.map((s) => s.length).join(', ')} samples)`);
  if (!(fs > 0 && Number.isFinite(fs))) fail(`has an invalid sampling rate (${fs} Hz)`);
  const resampler = createResampler(fs, BEAT_FS);
  const first = resampler.firstOutputAtOrAfter(offset);
  const count = Math.max(0, resampler.firstOutputAtOrAfter(offset + n) - first);
  // Every detector run of the quality step, on a stretch starting `start` samples into the input:
  // record-anchored epochs (qrs/detector.ts) and the one keepInterposedNoise setting for all.
  const peaksOf: PeaksOf = (feature, start) =>
    detectQrsPeaks({ ...feature, first: first + start, keepInterposedNoise });
  const primaryQuality = assessLead(signals[primaryLead], fs, offset);
  const clean = (lead: number, spans: readonly Span[]): Float32Array => {
    const raw = signals[lead];
    const out = new Float32Array(count);
    // NaN would run through the filters: bridge it when the resampler will read any. The primary
    // lead's quality covers every block; a stand-in lead's covers only some, so its spans' reach
    // is searched instead.
    const missing =
      lead === primaryLead
        ? hasMissing(primaryQuality)
        : spans.some(({ start, end }) => {
            const { from, to } = resampler.nativeReach(first + start, end - start);
            const lo = Math.min(Math.max(from - offset, 0), n - 1);
            return hasMissingIn(raw, lo, Math.min(Math.max(to - offset, lo + 1), n));
          });
    const input = missing ? withoutMissing(raw) : raw;
    for (const { start, end } of spans) {
      const part = out.subarray(start, end);
      resampler.run(input, offset, first + start, end - start, part);
      filterZeroPhase(CLEANING_FILTER, part, part);
    }
    return out;
  };
  const primaryClean = clean(primaryLead, [{ start: 0, end: count }]);
  const primaryFeature = qrsFeature(primaryClean);
  const bounds = blockBounds(primaryQuality, resampler, first, count);
  // Noise is judged where the lead is otherwise readable: first the primary lead's noise floor
  // alone; the suspect blocks are then settled with the other leads (below).
  const floor = noiseFloor(blockEnergyStats(primaryFeature.energy, bounds));
  const suspect = new Uint8Array(floor.length);
  const signalBlock = primaryQuality.verdict.map((v) => (v === 0 ? 1 : 0));
  for (let b = 0; b < floor.length; b++) {
    if (primaryQuality.verdict[b] === 0 && floor[b] > NOISE_FLOOR_LIMIT) {
      suspect[b] = 1;
      primaryQuality.verdict[b] = NOISE_VERDICT;
    }
  }
  // Then whether its beats repeat (template-quality.ts): noise the floor does not see. Beats of
  // suspect blocks take part (they are signal, perhaps ECG); a block whose beats do not repeat
  // is noise outright, whatever the other leads say — they stand in for it if they are readable.
  const primaryPeaks = peaksOf(primaryFeature, 0);
  const twin = twinIndex(primaryClean, primaryPeaks, bounds, (b) => signalBlock[b] === 1);
  for (let b = 0; b < twin.length; b++) {
    if (signalBlock[b] === 1 && twin[b] < TWIN_LIMIT) {
      primaryQuality.verdict[b] = NOISE_VERDICT;
      suspect[b] = 0; // decided: no lead's agreement makes unrepeated beats a heart's
    }
  }
  // The other leads matter only where the primary lead is unreadable or suspect: when it is
  // readable throughout (the usual case) they are neither judged nor cleaned, which halves the
  // work, and otherwise they are judged only in those blocks.
  const primaryReadable = primaryQuality.verdict.every((v) => v === 0);
  const qualities = signals.map((raw, lead) =>
    lead === primaryLead
      ? primaryQuality
      : primaryReadable
        ? null
        : assessLead(raw, fs, offset, primaryQuality.verdict),
  );
  let readable = qualities.map((q) => readableSamples(q, bounds, count));
  const spans = signals.map((_, lead) =>
    lead === primaryLead ? [{ start: 0, end: count }] : standInSpans(readable[primaryLead], readable[lead]),
  );
  const leads = signals.map((_, lead) =>
    lead === primaryLead ? primaryClean : spans[lead].length === 0 ? null : clean(lead, spans[lead]),
  );
  // A stand-in lead must repeat its beats too (both leads of an all-noise recording are noise).
  let standInNoise = false;
  leads.forEach((cleaned, lead) => {
    if (lead === primaryLead || !cleaned) return;
    const q = qualities[lead] as LeadQuality;
    const peaks: number[] = [];
    for (const { start, end } of spans[lead]) {
      const part = qrsFeature(cleaned.subarray(start, end));
      for (const p of peaksOf(part, start)) peaks.push(p + start);
    }
    const before = q.verdict.filter((v) => v === NOISE_VERDICT).length;
    // Its blocks outside the seconds it stands in for are not judged but are signal (context).
    const signal = (b: number) => q.verdict[b] === 0 || q.verdict[b] === NOT_JUDGED;
    const twin = twinIndex(cleaned, Int32Array.from(peaks), bounds, signal);
    for (let b = 0; b < twin.length; b++)
      if (q.verdict[b] === 0 && twin[b] < TWIN_LIMIT) q.verdict[b] = NOISE_VERDICT;
    if (q.verdict.filter((v) => v === NOISE_VERDICT).length > before) standInNoise = true;
  });
  if (standInNoise) readable = qualities.map((q) => readableSamples(q, bounds, count));
  if (suspect.includes(1)) {
    settleNoise(primaryLead, suspect, floor, qualities, leads, spans, primaryPeaks, bounds, peaksOf);
    readable = qualities.map((q) => readableSamples(q, bounds, count));
  }
  const readableThroughout = primaryQuality.verdict.every((v) => v === 0);
  // Cleaned like the primary lead (one span over the input), whatever it stood in for: a window
  // and a whole record then cut the same samples.
  const second =
    secondLead !== undefined && secondLead !== primaryLead && secondLead < signals.length
      ? { lead: secondLead, signal: clean(secondLead, [{ start: 0, end: count }]) }
      : undefined;
  const unreadable = readableThroughout
    ? []
    : unreadableStretches(qualities as LeadQuality[], offset, offset + n, primaryLead);
  return {
    fs,
    offset,
    first,
    leads,
    readable,
    spans,
    unreadable,
    primaryFeature,
    primarySignal: readableSamples({ ...primaryQuality, verdict: signalBlock }, bounds, count, 1),
    ...(readableThroughout ? { primaryPeaks } : {}),
    ...(second ? { second } : {}),
  };
}

/** The 125 Hz index range of each quality block: block b covers [bounds[b], bounds[b+1]). */
function blockBounds(q: LeadQuality, resampler: Resampler, first: number, count: number): Int32Array {
  const bounds = new Int32Array(q.verdict.length + 1);
  for (let b = 0; b <= q.verdict.length; b++) {
    const at = resampler.firstOutputAtOrAfter((q.firstBlock + b) * q.blockSize) - first;
    bounds[b] = Math.min(count, Math.max(0, at));
  }
  return bounds;
}

/** Per 125 Hz sample, 1 where the quality block its native position falls in has verdict `mark`
 * (0: readable). */
function readableSamples(q: LeadQuality | null, bounds: Int32Array, count: number, mark = 0): Uint8Array {
  const ok = new Uint8Array(count);
  if (!q) return ok;
  for (let b = 0; b < q.verdict.length; b++) {
    if (q.verdict[b] === mark && bounds[b + 1] > bounds[b]) ok.fill(1, bounds[b], bounds[b + 1]);
  }
  return ok;
}

/**
 * Decide the primary lead's suspect blocks (noise floor above the limit) with the other leads'
 * opinion: a block stays noisy where another readable lead's beats disagree with the primary's
 * (bSQI below the limit), or, with no other readable lead, where the floor passes the single-lead
 * limit; elsewhere it is readable again. An other lead is itself noisy in a block where its own
 * floor passes the limit and the leads disagree. Beats for the agreement are each lead's own
 * (the record-anchored epoch detector over the lead's cleaned spans), so verdicts are the same in
 * any window that holds the context.
 */
function settleNoise(
  primaryLead: number,
  suspect: Uint8Array,
  primaryFloor: Float64Array,
  qualities: (LeadQuality | null)[],
  leads: (Float32Array | null)[],
  spans: Span[][],
  primaryBeats: Int32Array,
  bounds: Int32Array,
  peaksOf: PeaksOf,
): void {
  const primaryQuality = qualities[primaryLead] as LeadQuality;
  const tolerance = Math.round(0.15 * BEAT_FS);
  const others = leads
    .map((cleaned, lead) => ({ cleaned, lead }))
    .filter(({ cleaned, lead }) => lead !== primaryLead && cleaned !== null)
    .map(({ cleaned, lead }) => {
      const x = cleaned as Float32Array;
      const energy = new Float32Array(x.length);
      const beats: number[] = [];
      for (const { start, end } of spans[lead]) {
        const part = qrsFeature(x.subarray(start, end));
        energy.set(part.energy, start);
        for (const p of peaksOf(part, start)) beats.push(p + start);
      }
      const floor = noiseFloor(blockEnergyStats(energy, bounds));
      return { lead, beats: Int32Array.from(beats), floor, quality: qualities[lead] as LeadQuality };
    });
  const blocks = suspect.length;
  for (let b = 0; b < blocks; b++) {
    if (!suspect[b]) continue;
    const from = bounds[Math.max(0, b - SQI_CONTEXT_BLOCKS)];
    const to = bounds[Math.min(blocks, b + SQI_CONTEXT_BLOCKS + 1)];
    let noisy = true;
    let compared = false;
    for (const other of others) {
      if (other.quality.verdict[b] !== 0) continue;
      compared = true;
      const agreement = beatAgreement(primaryBeats, other.beats, from, to, tolerance);
      if (agreement >= AGREEMENT_LIMIT) noisy = false;
      else if (other.floor[b] > NOISE_FLOOR_LIMIT) other.quality.verdict[b] = NOISE_VERDICT;
    }
    if (!compared) noisy = primaryFloor[b] > SINGLE_LEAD_FLOOR_LIMIT;
    primaryQuality.verdict[b] = noisy ? NOISE_VERDICT : 0;
  }
}

/**
 * Where another lead must stand in for the primary one: the samples at which it is readable and
 * the primary is not, each widened by STAND_IN_CONTEXT and merged. Spans are anchored on
 * record-anchored quality blocks, so a window pass cleans the same spans as a whole-record pass.
 */
function standInSpans(primary: Uint8Array, other: Uint8Array): Span[] {
  const spans: Span[] = [];
  const n = primary.length;
  for (let i = 0; i < n; i++) {
    // Readable primary stretches are long: skip each to its end natively.
    if (primary[i]) {
      i = primary.indexOf(0, i);
      if (i < 0) break;
    }
    if (!other[i]) continue;
    let j = i;
    while (j < n && !primary[j] && other[j]) j++;
    const start = Math.max(0, i - STAND_IN_CONTEXT);
    const end = Math.min(n, j + STAND_IN_CONTEXT);
    const last = spans[spans.length - 1];
    if (last && start <= last.end) last.end = end;
    else spans.push({ start, end });
    i = j;
  }
  return spans;
}

/** Stretches where no lead is readable, in native samples, with the primary lead's reason. */
function unreadableStretches(
  qualities: readonly LeadQuality[],
  start: number,
  end: number,
  primary: number,
): UnreadableStretch[] {
  const q0 = qualities[primary];
  const out: UnreadableStretch[] = [];
  for (let b = 0; b < q0.verdict.length; b++) {
    if (qualities.some((q) => q.verdict[b] === 0)) continue;
    const from = Math.max(start, (q0.firstBlock + b) * q0.blockSize);
    const to = Math.min(end, (q0.firstBlock + b + 1) * q0.blockSize);
    const reason = REASONS[q0.verdict[b] - 1];
    const prev = out[out.length - 1];
    if (prev && prev.end === from && prev.reason === reason) prev.end = to;
    else out.push({ start: from, end: to, reason });
  }
  return out;
}
