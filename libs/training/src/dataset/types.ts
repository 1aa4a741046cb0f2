/** The beat dataset in memory: one entry per beat, as a struct of typed arrays. */
import { AAMI_CLASSES, type AamiClass } from '@holterflow/contracts';
import { BEAT_LENGTH } from '@holterflow/ecg';

export interface BeatDataset {
  /** Beat i is x[i*187 .. i*187+187), normalised to [0, 1], 125 Hz. */
  x: Float32Array;
  /** The same beats cut from the record's second lead (libs/ecg BeatTable x2); a one-lead
   * record's rows repeat x. Absent in datasets written before it was stored. */
  x2?: Float32Array;
  /** AAMI class index 0..4 (N, S, V, F, Q). */
  labels: Int32Array;
  recordIds: string[];
  /** R-peak in record samples at the record's native rate. */
  samples: Int32Array;
  /** WFDB beat symbol. */
  symbols: string[];
  aami: AamiClass[];
  rrPrevMs: Float32Array;
  rrNextMs: Float32Array;
  rrLocalMs: Float32Array;
  /** SEGMENTATION_VERSION of the cut. */
  segmentation: string;
  /** Native sampling rate (Hz) of each record, for anything that needs the beats' times
   * (rhythm features: `samples / fs`). Absent in datasets written before it was recorded. */
  recordFs?: Record<string, number>;
}

/** Beats per AAMI class, in class order. */
export function classCounts(ds: BeatDataset): Record<AamiClass, number> {
  const counts = Object.fromEntries(AAMI_CLASSES.map((c) => [c, 0])) as Record<AamiClass, number>;
  for (const l of ds.labels) counts[AAMI_CLASSES[l]]++;
  return counts;
}

/** The beats at `indices`, in that order. */
export function subsetBeatDataset(ds: BeatDataset, indices: ArrayLike<number>): BeatDataset {
  const n = indices.length;
  const pick = <T extends Float32Array | Int32Array>(a: T, make: (n: number) => T): T => {
    const out = make(n);
    for (let i = 0; i < n; i++) out[i] = a[indices[i]];
    return out;
  };
  const cuts = (from: Float32Array): Float32Array => {
    const out = new Float32Array(n * BEAT_LENGTH);
    for (let i = 0; i < n; i++)
      out.set(from.subarray(indices[i] * BEAT_LENGTH, (indices[i] + 1) * BEAT_LENGTH), i * BEAT_LENGTH);
    return out;
  };
  const strings = (a: string[]): string[] => Array.from({ length: n }, (_, i) => a[indices[i]]);
  return {
    x: cuts(ds.x),
    ...(ds.x2 ? { x2: cuts(ds.x2) } : {}),
    labels: pick(ds.labels, (k) => new Int32Array(k)),
    recordIds: strings(ds.recordIds),
    samples: pick(ds.samples, (k) => new Int32Array(k)),
    symbols: strings(ds.symbols),
    aami: Array.from({ length: n }, (_, i) => ds.aami[indices[i]]),
    rrPrevMs: pick(ds.rrPrevMs, (k) => new Float32Array(k)),
    rrNextMs: pick(ds.rrNextMs, (k) => new Float32Array(k)),
    rrLocalMs: pick(ds.rrLocalMs, (k) => new Float32Array(k)),
    segmentation: ds.segmentation,
    recordFs: ds.recordFs,
  };
}

/** Datasets one after the other (all must share a segmentation version). */
export function concatBeatDatasets(parts: readonly BeatDataset[], segmentation: string): BeatDataset {
  for (const p of parts)
    if (p.segmentation !== segmentation)
      throw new RangeError(`cannot mix segmentations ${p.segmentation} and ${segmentation}`);
  const n = parts.reduce((s, p) => s + p.labels.length, 0);
  const out: BeatDataset = {
    x: new Float32Array(n * BEAT_LENGTH),
    labels: new Int32Array(n),
    recordIds: [],
    samples: new Int32Array(n),
    symbols: [],
    aami: [],
    rrPrevMs: new Float32Array(n),
    rrNextMs: new Float32Array(n),
    rrLocalMs: new Float32Array(n),
    segmentation,
  };
  const recordFs = Object.assign({}, ...parts.map((p) => p.recordFs ?? {})) as Record<string, number>;
  if (parts.every((p) => p.recordFs)) out.recordFs = recordFs;
  // A part without a second lead's cuts repeats its first lead's (what a one-lead record reads).
  if (parts.some((p) => p.x2)) out.x2 = new Float32Array(n * BEAT_LENGTH);
  let at = 0;
  for (const p of parts) {
    out.x.set(p.x, at * BEAT_LENGTH);
    out.x2?.set(p.x2 ?? p.x, at * BEAT_LENGTH);
    out.labels.set(p.labels, at);
    out.samples.set(p.samples, at);
    out.rrPrevMs.set(p.rrPrevMs, at);
    out.rrNextMs.set(p.rrNextMs, at);
    out.rrLocalMs.set(p.rrLocalMs, at);
    for (let i = 0; i < p.labels.length; i++) {
      out.recordIds.push(p.recordIds[i]);
      out.symbols.push(p.symbols[i]);
      out.aami.push(p.aami[i]);
    }
    at += p.labels.length;
  }
  return out;
}
