/**
 * Rhythm-model input rows for a beat dataset: per record (its beats in time order are the
 * record's whole beat table), libs/ecg rhythmFeatures — the code the classify workers run on
 * their windows — then libs/model assembleRhythmInput.
 */
import { RecordInputError } from '@holterflow/contracts';
import { readsSecondLead, rhythmFeatures, selectRhythmScalars } from '@holterflow/ecg';
import type { BeatDataset } from '../dataset/index.js';
import { assembleRhythmInput, rhythmInputWidth, type RhythmInputSpec } from '@holterflow/model';
import { BEAT_WIDTH } from '../beats.js';

export interface FeatureRows {
  /** n × width raw input rows, in the dataset's beat order. */
  rows: Float32Array;
  width: number;
}

/** `features`: the scalar features the model reads, by name (its model.json `scalarFeatures`). */
export function datasetFeatureRows(
  ds: BeatDataset,
  spec: RhythmInputSpec,
  features: readonly string[],
): FeatureRows {
  if (spec.scalarCount !== features.length)
    throw new RangeError(`the spec has ${spec.scalarCount} scalars; ${features.length} features are named`);
  // Without the second lead's cut rhythmFeatures would fill its columns with the first lead's
  // values, as for a one-lead recording: a model would learn that, silently.
  if (readsSecondLead(features) && !ds.x2)
    throw new RecordInputError(
      'beat-dataset',
      "has no second lead's cut, and these features read it: rebuild it with `holterflow dataset build --second-lead`",
    );
  const fsOf = ds.recordFs;
  if (!fsOf)
    throw new RecordInputError(
      'beat-dataset',
      'has no holterflow.record_fs metadata (written before rhythm features existed): rebuild it with `holterflow dataset build`',
    );
  const n = ds.labels.length;
  const width = rhythmInputWidth(spec);
  const rows = new Float32Array(n * width);
  let start = 0;
  while (start < n) {
    const record = ds.recordIds[start];
    let end = start + 1;
    while (end < n && ds.recordIds[end] === record) end++;
    const fs = fsOf[record];
    if (!fs) throw new RecordInputError(record, 'has no sampling rate in holterflow.record_fs');
    for (let i = start + 1; i < end; i++)
      if (ds.samples[i] < ds.samples[i - 1])
        throw new RecordInputError(record, `beats are not in time order at row ${i}`);
    const table = {
      samples: ds.samples.subarray(start, end),
      x: ds.x.subarray(start * BEAT_WIDTH, end * BEAT_WIDTH),
      rrPrevMs: ds.rrPrevMs.subarray(start, end),
      rrNextMs: ds.rrNextMs.subarray(start, end),
      rrLocalMs: ds.rrLocalMs.subarray(start, end),
      ...(ds.x2 ? { x2: ds.x2.subarray(start * BEAT_WIDTH, end * BEAT_WIDTH) } : {}),
    };
    const f = rhythmFeatures(table, fs);
    const scalars = selectRhythmScalars(f.scalars, end - start, features);
    rows.set(
      assembleRhythmInput(spec, { x: table.x, template: f.template, scalars }, end - start),
      start * width,
    );
    start = end;
  }
  return { rows, width };
}
