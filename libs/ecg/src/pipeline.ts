/** Filter, detect and segment in one call: what the classify worker runs on each window. */
import { detectBeats, type DetectOptions } from './detect.js';
import type { UnreadableStretch } from './preprocess.js';
import { rhythmFeatures, type RhythmFeatures } from './rhythm.js';
import { BEAT_LENGTH, segmentBeats, type BeatTable } from './segment.js';

export interface AnalyseOptions extends DetectOptions {
  /**
   * Seconds of beats on each side of every owned beat that its features need (a rhythm model's
   * context, libs/ecg rhythm.ts). With it, beats in [ownedStart − context, ownedEnd + context)
   * are detected and cut as context, rhythm features are computed for the owned beats, and the
   * slice read must extend that much further beyond the detector's own margin. 0: no features.
   */
  contextSeconds?: number;
}

export interface AnalysedBeats {
  /** The owned beats, cut for the model, with their RR features. */
  beats: BeatTable;
  /** The owned beats' rhythm features (when contextSeconds > 0). */
  rhythm?: RhythmFeatures;
  /** Owned stretches where no lead could be read (no beats are reported there). */
  unreadable: UnreadableStretch[];
}

export function analyseBeats(
  signals: readonly Float32Array[],
  fs: number,
  options: AnalyseOptions = {},
): AnalysedBeats {
  const context = Math.round((options.contextSeconds ?? 0) * fs);
  if (context <= 0) {
    const detection = detectBeats(signals, fs, options);
    const beats = segmentBeats(
      detection.pre,
      detection.primaryLead,
      detection,
      detection.ownedFrom,
      detection.ownedTo,
    );
    return { beats, unreadable: detection.unreadable };
  }
  const offset = options.offset ?? 0;
  const ownedStart = options.ownedStart ?? offset;
  const ownedEnd = options.ownedEnd ?? offset + (signals[0]?.length ?? 0);
  // Detect over the owned range widened by the context: those beats are cut too (they are the
  // context), then only the owned ones are kept.
  const detection = detectBeats(signals, fs, {
    ...options,
    ownedStart: ownedStart - context,
    ownedEnd: ownedEnd + context,
  });
  const table = segmentBeats(
    detection.pre,
    detection.primaryLead,
    detection,
    detection.ownedFrom,
    detection.ownedTo,
  );
  let from = 0;
  while (from < table.samples.length && table.samples[from] < ownedStart) from++;
  let to = from;
  while (to < table.samples.length && table.samples[to] < ownedEnd) to++;
  const rhythm = rhythmFeatures(table, fs, from, to, options.contextSeconds);
  const beats: BeatTable = {
    samples: table.samples.slice(from, to),
    x: table.x.slice(from * BEAT_LENGTH, to * BEAT_LENGTH),
    rrPrevMs: table.rrPrevMs.slice(from, to),
    rrNextMs: table.rrNextMs.slice(from, to),
    rrLocalMs: table.rrLocalMs.slice(from, to),
    ...(table.x2 ? { x2: table.x2.slice(from * BEAT_LENGTH, to * BEAT_LENGTH) } : {}),
  };
  const unreadable = detection.unreadable
    .filter((s) => s.end > ownedStart && s.start < ownedEnd)
    .map((s) => ({ ...s, start: Math.max(s.start, ownedStart), end: Math.min(s.end, ownedEnd) }));
  return { beats, rhythm, unreadable };
}
