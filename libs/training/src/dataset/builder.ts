/**
 * Beat dataset from annotated WFDB records: every reference beat, with its AAMI class, cut where
 * the detector's refinement puts its R-peak — so training beats and inference beats are cut
 * alike. A reference beat the detector found (EC57 match) takes the detected R-peak; one it missed
 * is refined from the annotation with the same largest-deflection rule, in a window centred on it.
 */
import { AAMI_INDEX, RecordInputError, type AamiClass } from '@holterflow/contracts';
import { readWfdbRecord, type WfdbRecord } from '@holterflow/formats';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BEAT_FS,
  SEGMENTATION_VERSION,
  addNoiseStress,
  detectBeats,
  largestDeflection,
  matchBeats,
  primaryLeadOf,
  secondLeadOf,
  segmentBeats,
  signalSizeBeats,
  ventricularFibrillationEpisodes,
  type NoiseKind,
} from '@holterflow/ecg';
import { concatBeatDatasets, type BeatDataset } from './types.js';

/** WFDB's symbol for a noise annotation, given to a noisy copy's false detections. */
const NOISE_SYMBOL = '~';

/** Half-width of the refinement window around an annotation the detector missed (125 Hz samples). */
const ANNOTATION_REFINE_HALF_WIDTH = Math.round(0.1 * BEAT_FS);

/**
 * A noisy training copy of a record: the same patient and reference beats with noise added as
 * the Noise Stress Test Database adds it (libs/ecg addNoiseStress: from minute 5, 2 min on / 2
 * min off). Its id is `<record>~nst<snr>` (patientOf gives the record back), so patient-wise
 * splits keep a copy on its patient's side.
 */
export interface NoisyCopies {
  snrDb: readonly number[];
  /** Noise seed; the noise benchmark uses 1, so training copies take another. */
  seed: number;
  kind?: NoiseKind;
}

const COPY_SEPARATOR = '~';
export const noisyCopyId = (recordId: string, snrDb: number): string =>
  `${recordId}${COPY_SEPARATOR}nst${snrDb}`;
/** The patient (the original record) of a record id or of a noisy copy's id. */
export const patientOf = (recordId: string): string => recordId.split(COPY_SEPARATOR)[0];

interface RecordBeatsOptions {
  /**
   * A noisy copy's beats are what the classifier would be given: reference beats inside stretches
   * the quality step marks unanalysable are left out (they are never classified), and detections
   * that match no reference beat (noise taken for a beat; VF excluded) are added as Q, the AAMI
   * class of beats that cannot be classified — so a model learns that noise is not a V beat.
   * The detector keeps the small interposed beats it would drop as noise here: at inference the
   * rule takes most of them out, and the ones it misses look like them, so they stay Q examples
   * (without them the retrained networks lost 2–6 points of VEB +P in noise: libs/training README).
   */
  asClassified?: boolean;
  /** Also cut the record's second lead (BeatDataset x2), for models whose features read it. */
  secondLead?: boolean;
}

export function recordBeats(record: WfdbRecord, options: RecordBeatsOptions = {}): BeatDataset {
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
    secondLead: options.secondLead ? secondLeadOf(record.signals.length, primary) : undefined,
    keepInterposedNoise: options.asClassified,
  });
  const excluded = options.asClassified
    ? [
        ...detection.unreadable,
        ...ventricularFibrillationEpisodes(record.annotations ?? [], record.signals[0]?.length ?? 0),
      ]
    : [];
  const match = matchBeats(
    reference.map((b) => b.sample),
    detection.samples,
    record.fs,
    excluded,
  );
  const { pre } = detection;
  const inUnreadable = (sample: number) =>
    detection.unreadable.some((u) => sample >= u.start && sample < u.end);
  // Reference beats kept (all, unless a copy's beat lies where nothing is classified), then the
  // copy's false detections as Q.
  const kept = reference
    .map((_, i) => i)
    .filter((i) => !options.asClassified || !inUnreadable(reference[i].sample));
  const falseDetections: number[] = [];
  if (options.asClassified)
    for (let j = 0; j < detection.samples.length; j++)
      if (match.detectedToReference[j] < 0 && !match.detectedExcluded[j]) falseDetections.push(j);
  const n = kept.length + falseDetections.length;
  const samples = new Int32Array(n);
  const beatIndex = new Int32Array(n);
  const labels: { aami: AamiClass; symbol: string }[] = [];
  for (let k = kept.length; k < n; k++) {
    const j = falseDetections[k - kept.length];
    samples[k] = detection.samples[j];
    beatIndex[k] = detection.beatIndex[j];
  }
  for (let k = 0; k < kept.length; k++) {
    const i = kept[k];
    labels.push({ aami: reference[i].aami, symbol: reference[i].symbol });
    const j = match.referenceToDetected[i];
    if (j >= 0) {
      samples[k] = detection.samples[j];
      beatIndex[k] = detection.beatIndex[j];
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
    samples[k] = r
      ? Math.round(((pre.first + r.index + r.fraction) * record.fs) / BEAT_FS)
      : reference[i].sample;
    beatIndex[k] = pre.first + index;
  }
  for (let k = kept.length; k < n; k++) labels.push({ aami: 'Q', symbol: NOISE_SYMBOL });
  // Refinement can swap two very close beats' order; segmentation and RR need time order.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => samples[a] - samples[b] || a - b);
  const sortedSamples = Int32Array.from(order, (i) => samples[i]);
  const sortedIndex = Int32Array.from(order, (i) => beatIndex[i]);
  const table = segmentBeats(pre, primary, { samples: sortedSamples, beatIndex: sortedIndex });
  return {
    x: table.x,
    ...(table.x2 ? { x2: table.x2 } : {}),
    labels: Int32Array.from(order, (i) => AAMI_INDEX[labels[i].aami]),
    recordIds: order.map(() => record.recordId),
    samples: table.samples,
    symbols: order.map((i) => labels[i].symbol),
    aami: order.map((i) => labels[i].aami),
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

export interface BuildOptions {
  /** Called after each record with its beat count (its noisy copies' included): a progress bar. */
  onRecord?: (recordId: string, beats: number) => void;
  copies?: NoisyCopies;
  /**
   * Store the second lead's cut too (columns y000…): only models reading the second lead's
   * features need it (measured not to help, libs/training README "After version 6"), and it
   * doubles the file (179 against 92 MB with two noisy copies) and every training run's load.
   */
  secondLead?: boolean;
}

export function buildBeatDataset(
  dir: string,
  records: readonly string[] = annotatedRecords(dir),
  options: BuildOptions = {},
): BeatDataset {
  const { onRecord, copies, secondLead } = options;
  const parts = records.flatMap((id) => {
    const record = readWfdbRecord(join(dir, `${id}.hea`));
    const clean = recordBeats(record, { secondLead });
    const noisy = copies
      ? copies.snrDb.map((snrDb) =>
          recordBeats(noisyCopy(record, snrDb, copies), { asClassified: true, secondLead }),
        )
      : [];
    onRecord?.(id, clean.labels.length + noisy.reduce((s, p) => s + p.labels.length, 0));
    return [clean, ...noisy];
  });
  return concatBeatDatasets(parts, SEGMENTATION_VERSION);
}

/** The record with NST noise at `snrDb` on every lead, under its copy id. */
export function noisyCopy(record: WfdbRecord, snrDb: number, copies: NoisyCopies): WfdbRecord {
  return {
    ...record,
    recordId: noisyCopyId(record.recordId, snrDb),
    signals: addNoiseStress(record.signals, record.fs, signalSizeBeats(record.beats ?? []), {
      snrDb,
      kind: copies.kind ?? 'mixed',
      seed: copies.seed,
    }),
  };
}
