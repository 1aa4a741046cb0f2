/**
 * From a beat dataset to rhythm-model feature sets per protocol, and a trained model to a model
 * version folder (model.json, weights.bin, config.json, metrics.json). bench/rhythm-training.ts
 * drives it over recipes and seeds.
 *  - inter: train on DS1 minus INTER_VALIDATION_RECORDS, validate on those, test on DS2;
 *  - all:   train on all 48 records minus ALL_VALIDATION_RECORDS, validate on those, no test part
 *           (its DS2 figures are its DS1-only twin's).
 */
import { createHash } from 'node:crypto';
import { RecordInputError } from '@holterflow/contracts';
import { RHYTHM_CONTEXT_SECONDS, RHYTHM_FEATURES_VERSION } from '@holterflow/ecg';
import { DS1_RECORDS, DS2_RECORDS, patientOf, type BeatDataset } from '../dataset/index.js';
import {
  RHYTHM_ARCHITECTURE,
  rhythmInputWidth,
  rhythmModelDescription,
  saveRhythmModel,
  type MlpParameters,
  type ModelStore,
  type RhythmInputSpec,
} from '@holterflow/model';
import type { EnsembleMix } from './calibration.js';
import { datasetFeatureRows } from './dataset-features.js';
import {
  ALL_VALIDATION_RECORDS,
  INTER_VALIDATION_RECORDS,
  type FeatureSet,
  type RhythmRecipe,
} from './recipe.js';

export type RhythmProtocol = 'inter' | 'all';

export interface RhythmSplit {
  train: FeatureSet;
  validation: FeatureSet;
  test?: FeatureSet;
  records: { train: string[]; validation: string[]; test: string[] };
}

/**
 * A run's checkpoint folder name: every variant apart (the checkpoint's identity is checked too,
 * but a folder shared by two variants would have each overwrite the other's).
 */
export function rhythmRunName(
  protocol: RhythmProtocol,
  imbalance: string,
  r: RhythmRecipe,
  seed: number,
  validationRecords?: readonly string[],
): string {
  const held = validationRecords ? `-v${validationRecords.join('.')}` : '';
  // Two feature sets of one size, or another class weighting, are other variants.
  const features = createHash('sha256').update(r.features.join(',')).digest('hex').slice(0, 6);
  const set = Object.entries(r.classWeights ?? {}).map(([c, w]) => `${c}${w}`);
  const weighting =
    (r.classWeightPower === 0.5 ? '' : `-cw${r.classWeightPower}`) + (set.length ? `-${set.join('')}` : '');
  return `${protocol}-${imbalance}-${r.input.morphology}-h${r.hidden.join('x')}-d${r.dropout}-w${r.weightDecay}-f${r.features.length}.${features}${weighting}${held}-s${seed}`;
}

export function inputSpecOf(recipe: RhythmRecipe): RhythmInputSpec {
  return { ...recipe.input, scalarCount: recipe.features.length };
}

/**
 * `validationRecords` replaces the protocol's held-out records (inter: DS1 records only), for
 * a second patient-wise fold when comparing features: another five patients' verdict.
 */
export function rhythmSplit(
  ds: BeatDataset,
  protocol: RhythmProtocol,
  recipe: RhythmRecipe,
  validationRecords?: readonly string[],
): RhythmSplit {
  const { rows, width } = datasetFeatureRows(ds, inputSpecOf(recipe), recipe.features);
  // Patients (records); a noisy training copy (`<record>~nst<snr>`, dataset builder) trains with
  // its patient and never validates or tests: held-out figures stay on the clean recordings.
  const present = [...new Set(ds.recordIds.map(patientOf))];
  if (protocol === 'inter' && validationRecords)
    for (const r of validationRecords)
      if (!(DS1_RECORDS as readonly string[]).includes(r))
        throw new RecordInputError(r, 'is not a DS1 record: inter-patient validation never uses DS2');
  const validation: string[] = validationRecords
    ? validationRecords.filter((r) => present.includes(r))
    : protocol === 'inter'
      ? [...INTER_VALIDATION_RECORDS]
      : ALL_VALIDATION_RECORDS.filter((r) => present.includes(r));
  // 'all' keeps the paced records: their beats are the Q class the default must know.
  const trainPool: readonly string[] = protocol === 'inter' ? DS1_RECORDS : present;
  const train = trainPool.filter((r) => !validation.includes(r) && present.includes(r));
  const test = protocol === 'inter' ? DS2_RECORDS.filter((r) => present.includes(r)) : [];
  const set = (records: readonly string[], withCopies = false): FeatureSet => {
    const wanted = new Set(records);
    const idx: number[] = [];
    ds.recordIds.forEach((r, i) => wanted.has(withCopies ? patientOf(r) : r) && idx.push(i));
    const out = new Float32Array(idx.length * width);
    idx.forEach((i, k) => out.set(rows.subarray(i * width, (i + 1) * width), k * width));
    return {
      rows: out,
      labels: Int32Array.from(idx, (i) => ds.labels[i]),
      width,
      recordIds: idx.map((i) => ds.recordIds[i]),
    };
  };
  return {
    train: set(train, true),
    validation: set(validation),
    test: test.length ? set(test) : undefined,
    records: { train, validation, test },
  };
}

/**
 * Writes the version folder's model files (model.json + weights.bin) and its config.json. Several
 * parameter sets make an ensemble (their probabilities averaged, then scaled by classScale).
 */
export async function saveRhythmVersion(
  store: ModelStore,
  prefix: string,
  parameters: MlpParameters | MlpParameters[],
  recipe: RhythmRecipe,
  config: Record<string, unknown>,
  segmentation: string,
  classScale?: number[],
  /** The last `mix.scalarMembers` of `parameters` are scalars-only networks (libs/model EnsembleOptions). */
  mix: EnsembleMix = {},
): Promise<void> {
  const { scalarMembers, scalarWeight } = mix;
  const members = Array.isArray(parameters) ? parameters : [parameters];
  const spec = inputSpecOf(recipe);
  const widths = [rhythmInputWidth(spec), ...recipe.hidden, 5];
  await saveRhythmModel(
    {
      description: rhythmModelDescription({
        featuresVersion: RHYTHM_FEATURES_VERSION,
        segmentation,
        contextSeconds: RHYTHM_CONTEXT_SECONDS,
        scalarFeatures: [...recipe.features],
        input: spec,
        widths,
        ...(members.length > 1 ? { members: members.length } : {}),
        ...(classScale ? { classScale } : {}),
        ...(scalarMembers ? { scalarMembers } : {}),
        ...(scalarMembers && scalarWeight !== undefined && scalarWeight !== 0.5 ? { scalarWeight } : {}),
      }),
      members,
    },
    store,
    prefix,
  );
  const parameterCount = widths.slice(1).reduce((n, w, l) => n + widths[l] * w + w, 0);
  const body = {
    architecture: RHYTHM_ARCHITECTURE,
    parameters: parameterCount * members.length,
    recipe,
    features: recipe.features,
    ...config,
  };
  const key = prefix ? `${prefix}/config.json` : 'config.json';
  await store.put(key, new TextEncoder().encode(JSON.stringify(body, null, 2) + '\n'), {
    contentType: 'application/json',
  });
}
