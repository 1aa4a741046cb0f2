/** Filter, detect and segment in one call: what the classify worker runs on each window. */
import { detectBeats, type DetectOptions } from './detect.js';
import type { UnreadableStretch } from './preprocess.js';
import { segmentBeats, type BeatTable } from './segment.js';

export interface AnalysedBeats {
  /** The owned beats, cut for the model, with their RR features. */
  beats: BeatTable;
  /** Owned stretches where no lead could be read (no beats are reported there). */
  unreadable: UnreadableStretch[];
}

export function analyseBeats(
  signals: readonly Float32Array[],
  fs: number,
  options: DetectOptions = {},
): AnalysedBeats {
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
