/**
 * The CPU part of a classify job, free of I/O: filter, detect and cut the window's owned beats
 * (libs/ecg analyseBeats over the slice read with margins) and classify them in batches. The
 * classify thread runs it; the window-edge test runs it on whole records to compare.
 */
import { performance } from 'node:perf_hooks';
import { AAMI_CLASSES, type AamiClass } from '@holterflow/contracts';
import { analyseBeats, secondLeadOf, type BeatTable, type RhythmFeatures } from '@holterflow/ecg';
import type { BeatResults, UnreadableRange } from '@holterflow/formats';

/**
 * What classifies beats: n owned beats in, n×5 probabilities (N,S,V,F,Q) out. A model that needs
 * rhythm features (libs/model RhythmClassifier) says how many seconds of context they take; the
 * seed CNN (BeatClassifier) reads the cuts only and needs none.
 */
export interface BeatPredictor {
  readonly contextSeconds: number;
  /** Whether its features read the second lead (libs/ecg LEAD2_FEATURES): then that lead is
   * cleaned and cut too, a cost the other models do not pay. */
  readonly readsSecondLead: boolean;
  predict(beats: BeatTable, n: number, rhythm: RhythmFeatures | undefined): Promise<Float32Array>;
}

export interface WindowInput {
  /** One array per lead: record samples [offset, offset + length). */
  signals: Float32Array[];
  fs: number;
  offset: number;
  /** Owned range [ownedStart, ownedEnd) in record samples. */
  ownedStart: number;
  ownedEnd: number;
  primaryLead: number;
  window: number;
}

export interface WindowOutput {
  results: BeatResults;
  unreadable: UnreadableRange[];
  seconds: { dsp: number; inference: number };
  /** The engine that ran inference (set by the classify thread). */
  engine?: string;
}

/** The lead the predictor's model reads as its second (analyseBeats `secondLead`), or none. */
export function secondLeadReadBy(
  predictor: Pick<BeatPredictor, 'readsSecondLead'>,
  leadCount: number,
  primaryLead: number,
): number | undefined {
  return predictor.readsSecondLead ? secondLeadOf(leadCount, primaryLead) : undefined;
}

export async function classifyWindow(input: WindowInput, predictor: BeatPredictor): Promise<WindowOutput> {
  const t0 = performance.now();
  const { beats, rhythm, unreadable } = analyseBeats(input.signals, input.fs, {
    offset: input.offset,
    ownedStart: input.ownedStart,
    ownedEnd: input.ownedEnd,
    primaryLead: input.primaryLead,
    contextSeconds: predictor.contextSeconds,
    secondLead: secondLeadReadBy(predictor, input.signals.length, input.primaryLead),
  });
  const t1 = performance.now();
  const n = beats.samples.length;
  const probabilities = await predictor.predict(beats, n, rhythm);
  const t2 = performance.now();
  return {
    results: {
      samples: beats.samples,
      timeS: Float64Array.from(beats.samples, (s) => s / input.fs),
      classes: argmaxClasses(probabilities, n),
      probabilities,
      rrPrevMs: beats.rrPrevMs,
      rrNextMs: beats.rrNextMs,
      window: new Int32Array(n).fill(input.window),
    },
    unreadable: unreadable.map((u) => ({ start: u.start, end: u.end, reason: u.reason })),
    seconds: { dsp: (t1 - t0) / 1000, inference: (t2 - t1) / 1000 },
  };
}

/** The most probable class of each beat; a tie goes to the earlier class (N before S ...). */
export function argmaxClasses(probabilities: Float32Array, n: number): AamiClass[] {
  const k = AAMI_CLASSES.length;
  const out = new Array<AamiClass>(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probabilities[i * k + c] > probabilities[i * k + best]) best = c;
    out[i] = AAMI_CLASSES[best];
  }
  return out;
}
