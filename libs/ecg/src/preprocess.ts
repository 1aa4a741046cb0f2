/**
 * From native-rate leads (mV) to clean 125 Hz leads: band-limited resampling, then zero-phase
 * Butterworth filtering at 125 Hz — high-pass 0.5 Hz against baseline wander (respiration,
 * electrode motion) and low-pass 40 Hz against powerline (50/60 Hz) and muscle noise. Filtering
 * after resampling costs a third of filtering at 360 Hz; zero-phase keeps the QRS where it is.
 */
import { butterworthHighpass, butterworthLowpass, filterZeroPhase, type Biquad } from './filters/biquad.js';
import { createResampler } from './resample.js';
import { assessLead, REASONS, withoutMissing, type LeadQuality, type UnreadableReason } from './quality.js';

/** The beat model's sampling rate (Kachuee et al. 2018 resampled MIT-BIH to 125 Hz). */
export const BEAT_FS = 125;
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
  /** Cleaned leads at 125 Hz, mV; null for a lead that never has to stand in for the primary. */
  leads: (Float32Array | null)[];
  /** Per lead and 125 Hz sample: 1 where the lead is readable. */
  readable: Uint8Array[];
  /** Native-rate stretches of the input where no lead is readable. */
  unreadable: UnreadableStretch[];
}

export interface UnreadableStretch {
  /** Native sample range [start, end) of the record in which no lead is readable. */
  start: number;
  end: number;
  reason: UnreadableReason;
}

export function preprocessLeads(
  signals: readonly Float32Array[],
  fs: number,
  offset = 0,
  primaryLead = 0,
): PreprocessedLeads {
  if (signals.length === 0) throw new RangeError('no leads given');
  const n = signals[0].length;
  if (n === 0) throw new RangeError('the leads are empty');
  if (signals.some((s) => s.length !== n)) throw new RangeError('leads differ in length');
  const resampler = createResampler(fs, BEAT_FS);
  const first = resampler.firstOutputAtOrAfter(offset);
  const count = Math.max(0, resampler.firstOutputAtOrAfter(offset + n) - first);
  const qualities = signals.map((raw) => assessLead(raw, fs, offset));
  const readable = qualities.map((q) => {
    // Per 125 Hz sample, the verdict of the quality block its native position falls in.
    const ok = new Uint8Array(count);
    for (let b = 0; b < q.verdict.length; b++) {
      if (q.verdict[b] !== 0) continue;
      const from = Math.max(0, resampler.firstOutputAtOrAfter((q.firstBlock + b) * q.blockSize) - first);
      const to = Math.min(
        count,
        resampler.firstOutputAtOrAfter((q.firstBlock + b + 1) * q.blockSize) - first,
      );
      if (to > from) ok.fill(1, from, to);
    }
    return ok;
  });
  // The other leads are only cleaned when they can stand in for an unreadable primary lead:
  // that halves the work on a normal recording and changes no result.
  const needed = signals.map((_, lead) => lead === primaryLead || standsIn(readable, primaryLead, lead));
  const leads = signals.map((raw, lead) => {
    if (!needed[lead]) return null;
    const clean = resampler.run(withoutMissing(raw), offset, first, count);
    return filterZeroPhase(CLEANING_FILTER, clean, clean);
  });
  const unreadable = unreadableStretches(qualities, offset, offset + n, primaryLead);
  return { fs, offset, first, leads, readable, unreadable };
}

/** True when `lead` is readable somewhere the primary lead is not. */
function standsIn(readable: readonly Uint8Array[], primary: number, lead: number): boolean {
  const p = readable[primary];
  const o = readable[lead];
  for (let i = 0; i < p.length; i++) if (!p[i] && o[i]) return true;
  return false;
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
