/**
 * Beat detection on a record or on a window of one: preprocess, build the QRS energy feature from
 * the readable leads, detect, refine each QRS to its R-peak, and keep the beats the caller owns.
 */
import { BEAT_FS, preprocessLeads, type PreprocessedLeads, type UnreadableStretch } from './preprocess.js';
import { qrsFeature } from './qrs/feature.js';
import { detectQrsPeaks } from './qrs/detector.js';
import { refineRPeak } from './qrs/refine.js';
import type { RPeaks } from './segment.js';

export interface DetectOptions {
  /** Record sample index (native rate) of signals[i][0]; 0 for a whole record. */
  offset?: number;
  /** Owned range [ownedStart, ownedEnd) in record samples; beats outside are dropped. Default: all. */
  ownedStart?: number;
  ownedEnd?: number;
  /** Index of the lead to prefer (MLII); the other leads stand in where it is unreadable. */
  primaryLead?: number;
  /** Names the recording in RecordInputError messages. */
  recordId?: string;
  /** A lead to clean and cut beside the primary (leads.ts secondLeadOf), for the rhythm model's
   * second-lead features; none by default (it costs a second cleaning). */
  secondLead?: number;
  /** Keep the small interposed beats the detector would take out as noise (qrs/detector.ts):
   * for the training set's noisy copies, whose false beats are the classifier's Q examples. */
  keepInterposedNoise?: boolean;
}

export interface DetectedBeats extends RPeaks {
  /** samples/beatIndex hold every beat found in the input, margins included (context for RR
   * intervals); the caller owns beats [ownedFrom, ownedTo) of them. */
  ownedFrom: number;
  ownedTo: number;
  /** Native-rate stretches (within the owned range) where no lead could be read. */
  unreadable: UnreadableStretch[];
  /** The cleaned 125 Hz leads, for segmentation. */
  pre: PreprocessedLeads;
  primaryLead: number;
}

/**
 * Energy and slopes per 125 Hz sample from the primary lead where readable, else from the first
 * readable other lead; zero where none is (so nothing is detected in unreadable stretches).
 */
function combinedFeature(
  pre: PreprocessedLeads,
  primary: number,
): { energy: Float32Array; band: Float32Array; covered: Uint8Array } {
  // The primary lead's feature, computed by preprocessLeads for its noise verdicts, is taken
  // over (and written to) here: nothing reads it afterwards.
  const { energy, band } = pre.primaryFeature;
  const n = energy.length;
  // Which samples have a feature: the primary lead's readable ones, then stand-in leads fill in.
  // Copied only when a stand-in lead will write to it (usually none does).
  const standing = pre.leads.some((cleaned, lead) => lead !== primary && cleaned !== null);
  const covered = standing ? pre.readable[primary].slice() : pre.readable[primary];
  for (let lead = 0; lead < pre.leads.length; lead++) {
    const cleaned = pre.leads[lead];
    if (lead === primary || !cleaned) continue;
    const ok = pre.readable[lead];
    for (const { start, end } of pre.spans[lead]) {
      const other = qrsFeature(cleaned.subarray(start, end));
      for (let i = start; i < end; i++) {
        if (!covered[i] && ok[i]) {
          energy[i] = other.energy[i - start];
          band[i] = other.band[i - start];
          covered[i] = 1;
        }
      }
    }
  }
  for (let i = 0; i < n; i++) {
    // Covered stretches are long: skip each to its end natively.
    if (covered[i]) {
      i = covered.indexOf(0, i);
      if (i < 0) break;
    }
    energy[i] = 0;
  }
  return { energy, band, covered };
}

export function detectBeats(
  signals: readonly Float32Array[],
  fs: number,
  options: DetectOptions = {},
): DetectedBeats {
  const offset = options.offset ?? 0;
  const primaryLead = options.primaryLead ?? 0;
  if (primaryLead < 0 || primaryLead >= signals.length) throw new RangeError(`no lead ${primaryLead}`);
  const ownedStart = options.ownedStart ?? offset;
  const ownedEnd = options.ownedEnd ?? offset + (signals[0]?.length ?? 0);
  const pre = preprocessLeads(signals, fs, {
    offset,
    primaryLead,
    recordId: options.recordId,
    secondLead: options.secondLead,
    keepInterposedNoise: options.keepInterposedNoise,
  });
  const { energy, band, covered } = combinedFeature(pre, primaryLead);
  // With the primary lead readable throughout, the combined feature is its own: the peaks its
  // noise verdicts were judged on are the record's.
  const peaks =
    pre.primaryPeaks ??
    detectQrsPeaks({
      energy,
      band,
      first: pre.first,
      readable: covered,
      keepInterposedNoise: options.keepInterposedNoise,
    });
  const samples: number[] = [];
  const beatIndex: number[] = [];
  let ownedFrom = -1;
  let ownedTo = 0;
  for (const p of peaks) {
    const r = refineRPeak(pre, primaryLead, p);
    if (r === undefined) continue;
    const native = Math.round(((pre.first + r.index + r.fraction) * fs) / BEAT_FS);
    // Two QRS energy peaks may refine onto one R-peak; keep it once.
    if (samples.length && native <= samples[samples.length - 1]) continue;
    if (native >= ownedStart && ownedFrom < 0) ownedFrom = samples.length;
    if (native < ownedEnd) ownedTo = samples.length + 1;
    samples.push(native);
    beatIndex.push(pre.first + r.index);
  }
  if (ownedFrom < 0) ownedFrom = samples.length;
  ownedTo = Math.max(ownedFrom, ownedTo);
  const unreadable = pre.unreadable
    .filter((s) => s.end > ownedStart && s.start < ownedEnd)
    .map((s) => ({ ...s, start: Math.max(s.start, ownedStart), end: Math.min(s.end, ownedEnd) }));
  return {
    samples: Int32Array.from(samples),
    beatIndex: Int32Array.from(beatIndex),
    ownedFrom,
    ownedTo,
    unreadable,
    pre,
    primaryLead,
  };
}
