/**
 * Beat dataset from annotated WFDB records: every reference beat, with its AAMI class, cut where
 * the detector's refinement puts its R-peak — so training beats and inference beats are cut
 * alike. A reference beat the detector found (EC57 match) takes the detected R-peak; one it missed
 * is refined from the annotation with the same largest-deflection rule, in a window centred on it.
 */
import { AAMI_INDEX, RecordInputError } from '@holterflow/contracts';
import { readWfdbRecord, type WfdbRecord } from '@holterflow/formats';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BEAT_FS,
  SEGMENTATION_VERSION,
  detectBeats,
  largestDeflection,
  matchBeats,
  primaryLeadOf,
  segmentBeats,
} from '@holterflow/ecg';
import { concatBeatDatasets, type BeatDataset } from './types.js';

/** Half-width of the refinement window around an annotation the detector missed (125 Hz samples). */
const ANNOTATION_REFINE_HALF_WIDTH = Math.round(0.1 * BEAT_FS);

export function recordBeats(record: WfdbRecord): BeatDataset {
  const reference = record.beats;
  if (!reference)
    throw new RecordInputError(
      record.recordId,
      'has no annotation file: a beat dataset needs reference beats',
    );
  const primary = primaryLeadOf(record.leads);
  const detection = detectBeats(record.signals, record.fs, {
    primaryLead: primary,
    recordId: record.recordId,
  });
  const match = matchBeats(
    reference.map((b) => b.sample),
    detection.samples,
    record.fs,
  );
  const { pre } = detection;
  const n = reference.length;
  const samples = new Int32Array(n);
  const beatIndex = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = match.referenceToDetected[i];
    if (j >= 0) {
      samples[i] = detection.samples[j];
      beatIndex[i] = detection.beatIndex[j];
      continue;
    }
    const centre = Math.round((reference[i].sample * BEAT_FS) / record.fs) - pre.first;
    const r = largestDeflection(
      pre,
      primary,
      centre,
      centre - ANNOTATION_REFINE_HALF_WIDTH,
      centre + ANNOTATION_REFINE_HALF_WIDTH,
    );
    const index = r?.index ?? Math.max(0, Math.min(pre.readable[primary].length - 1, centre));
    samples[i] = r
      ? Math.round(((pre.first + r.index + r.fraction) * record.fs) / BEAT_FS)
      : reference[i].sample;
    beatIndex[i] = pre.first + index;
  }
  // Refinement can swap two very close beats' order; segmentation and RR need time order.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => samples[a] - samples[b] || a - b);
  const sortedSamples = Int32Array.from(order, (i) => samples[i]);
  const sortedIndex = Int32Array.from(order, (i) => beatIndex[i]);
  const table = segmentBeats(pre, primary, { samples: sortedSamples, beatIndex: sortedIndex });
  return {
    x: table.x,
    labels: Int32Array.from(order, (i) => AAMI_INDEX[reference[i].aami]),
    recordIds: order.map(() => record.recordId),
    samples: table.samples,
    symbols: order.map((i) => reference[i].symbol),
    aami: order.map((i) => reference[i].aami),
    rrPrevMs: table.rrPrevMs,
    rrNextMs: table.rrNextMs,
    rrLocalMs: table.rrLocalMs,
    segmentation: SEGMENTATION_VERSION,
    recordFs: { [record.recordId]: record.fs },
  };
}

/** Record ids of a WFDB directory: every `<id>.hea` that has an `<id>.atr` beside it, sorted. */
export function annotatedRecords(dir: string): string[] {
  const files = new Set(readdirSync(dir));
  return [...files]
    .filter((f) => f.endsWith('.hea') && files.has(f.replace(/\.hea$/, '.atr')))
    .map((f) => f.replace(/\.hea$/, ''))
    .sort();
}

export function buildBeatDataset(
  dir: string,
  records: readonly string[] = annotatedRecords(dir),
  onRecord?: (recordId: string, beats: number) => void,
): BeatDataset {
  const parts = records.map((id) => {
    const part = recordBeats(readWfdbRecord(join(dir, `${id}.hea`)));
    onRecord?.(id, part.labels.length);
    return part;
  });
  return concatBeatDatasets(parts, SEGMENTATION_VERSION);
}
