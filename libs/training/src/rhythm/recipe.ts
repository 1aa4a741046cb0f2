/**
 * The training recipe for new patients: the rhythm MLP trained on some records, early-stopped
 * and selected on *other* records (patient-wise validation — a beat-wise split lets a model
 * learn the validation patients), with one of three answers to class imbalance, compared by
 * measurement (bench/rhythm-training.ts):
 *  - class-weights: cross-entropy with each beat weighted by (n_N / n_class)^power;
 *  - focal: focal loss (γ = 2, Lin et al. 2017) with the same class weights as α;
 *  - smote: plain cross-entropy on a SMOTE-balanced training set (as the seed did; ~5× the beats
 *    per epoch).
 * Every epoch is checkpointed (weights, Adam moments, PRNG state, best-so-far): a run whose
 * process is ended continues from its last epoch, bit for bit.
 */
import { createHash } from 'node:crypto';
import { AAMI_CLASSES, type AamiClass } from '@holterflow/contracts';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  LEAD2_FEATURES,
  RHYTHM_1_FEATURES,
  RHYTHM_2_FEATURES,
  RHYTHM_3_FEATURES,
  SeededRandom,
} from '@holterflow/ecg';
import { initMlp, type DenseLayer, type MlpParameters, type RhythmInputSpec } from '@holterflow/model';
import { countPerClass } from '../beats.js';
import {
  confusionMatrix,
  ec57Statistics,
  metricsFromConfusion,
  type ClassificationMetrics,
} from '../metrics.js';
import { smote } from '../smote.js';
import { newAdamState, tensorsOf, trainEpoch, type MlpAdamState, type MlpTrainOptions } from './mlp-train.js';
import { predictMlp } from '@holterflow/model';

export type ImbalanceMethod = 'class-weights' | 'focal' | 'smote';

export interface RhythmRecipe {
  imbalance: ImbalanceMethod;
  /** Class weight exponent (class-weights, focal): 1 = inverse frequency, 0.5 = its square root. */
  classWeightPower: number;
  /** Largest class weight (a class of 8 beats must not dominate the loss). */
  maxClassWeight: number;
  /**
   * Class weights set outright, by AAMI class, in place of the frequency rule. Q is the one that
   * needs it: with noisy training copies its beats are mostly the copies' false detections, and
   * weighted by frequency (14× on DS1) they taught the DS1 model to call held-out clean beats Q
   * (650 on the four DS1 folds: 130 S and 257 V among them).
   */
  classWeights?: Partial<Record<AamiClass, number>>;
  hidden: number[];
  dropout: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  maxEpochs: number;
  /** Epochs without a better validation score before stopping (best weights kept). */
  patience: number;
  /**
   * Train exactly this many epochs and keep the last weights (no early stopping): the refit of a
   * recipe on all records for the epoch count its DS1-only twin's validation chose — the few
   * records an all-records model can hold out choose epochs by chance (measured: 2 of 8).
   */
  fixedEpochs?: number;
  input: Omit<RhythmInputSpec, 'scalarCount'>;
  /** The scalar rhythm features the model reads, by name (libs/ecg RHYTHM_SCALAR_FEATURES). */
  features: readonly string[];
}

const COMMON: Omit<RhythmRecipe, 'imbalance'> = {
  classWeightPower: 0.5,
  maxClassWeight: 50,
  hidden: [64, 32],
  dropout: 0.2,
  batchSize: 256,
  learningRate: 1e-3,
  weightDecay: 1e-4,
  maxEpochs: 30,
  patience: 6,
  input: { morphology: 'difference', beatStride: 4 },
  features: RHYTHM_1_FEATURES,
};

export const RHYTHM_RECIPES: Record<ImbalanceMethod, RhythmRecipe> = {
  'class-weights': { ...COMMON, imbalance: 'class-weights' },
  focal: { ...COMMON, imbalance: 'focal' },
  smote: { ...COMMON, imbalance: 'smote' },
};

/**
 * Held-out DS1 records for early stopping and model selection (never DS2): together they hold
 * about a third of DS1's S beats (118, 124, 201, 223), a fifth of its V beats (201, 223) and a
 * record of N only (115), from five patients.
 */
export const INTER_VALIDATION_RECORDS = ['115', '118', '124', '201', '223'] as const;
/** For a model trained on all 48 records: the same five plus two DS2 records with S, V and AF. */
export const ALL_VALIDATION_RECORDS = [...INTER_VALIDATION_RECORDS, '210', '222'] as const;
/**
 * Patient-wise folds of DS1 for choosing features, recipes and calibrations (bench/rhythm-folds.ts,
 * bench/rhythm-calibration-cv.ts): together they hold out every DS1 record once. The first is
 * INTER_VALIDATION_RECORDS (the shipped twin's early stopping); each fold trains on DS1 without it.
 */
export const DS1_FOLDS: readonly (readonly string[])[] = [
  INTER_VALIDATION_RECORDS,
  ['106', '207', '209', '215', '220'],
  ['108', '114', '119', '203', '208'],
  ['101', '109', '112', '116', '122', '205', '230'],
];

/** RR in seconds: a beat's timing for any heart, not for this patient's. */
const ABSOLUTE_RR_FEATURES = ['rr_prev_s', 'rr_base_s', 'rr_next_s', 'rr_local_s'];
const patientRelative = (names: readonly string[]) => names.filter((f) => !ABSOLUTE_RR_FEATURES.includes(f));
const AF_FEATURES = ['af_nrmssd', 'af_entropy', 'af_turning_point_ratio', 'af_window'];
/** Named scalar feature sets (libs/ecg rhythm.ts columns) the benches train and compare. */
export const RHYTHM_FEATURE_SETS: Record<string, readonly string[]> = {
  'rhythm-1': RHYTHM_1_FEATURES,
  'rhythm-2': RHYTHM_2_FEATURES,
  'rhythm-3': RHYTHM_3_FEATURES,
  'rhythm-1-relative': patientRelative(RHYTHM_1_FEATURES),
  'rhythm-1-af': [...RHYTHM_1_FEATURES, ...AF_FEATURES],
  // Without RR in seconds: a patient whose sinus rate is slow (MIT-BIH 232, base RR 1.0 s) has
  // premature beats as long as most training patients' normal ones.
  'rhythm-1-af-relative': patientRelative([...RHYTHM_1_FEATURES, ...AF_FEATURES]),
  'rhythm-1-af-lead2': [...RHYTHM_1_FEATURES, ...AF_FEATURES, ...LEAD2_FEATURES],
  // The AF verdict without its statistics, so a rhythm more irregular than any training
  // patient's (sinus pauses) does not extrapolate them; measured to lose on the DS1 folds
  // (libs/training README "After version 6").
  'rhythm-1-af-verdict': [...RHYTHM_1_FEATURES, 'af_window'],
  'rhythm-1-af-verdict-regular': [...RHYTHM_1_FEATURES.filter((f) => f !== 'rr_irregularity'), 'af_window'],
};

/** The named feature set, or an error listing the names there are. */
export function rhythmFeatureSet(name: string): readonly string[] {
  const set = RHYTHM_FEATURE_SETS[name];
  if (!set) throw new Error(`features ${Object.keys(RHYTHM_FEATURE_SETS).join('|')}, got ${name}`);
  return set;
}

/** Feature rows of one part of a dataset. */
export interface FeatureSet {
  rows: Float32Array;
  labels: Int32Array;
  width: number;
  /** Each row's record (rhythmSplit sets it): calibration is cross-validated by record. */
  recordIds?: string[];
}

/**
 * The validation score early stopping and model selection maximise, in [0, 1]: the mean of EC57's
 * four headline figures (VEB Se, VEB +P, SVEB Se, SVEB +P) and N sensitivity. N Se is in because
 * the EC57 figures alone do not see a normal beat called F or Q (neither counts against VEB or
 * SVEB), and a model that calls one normal beat in ten "fusion" (measured: SMOTE on rhythm
 * scalars only, MIT-BIH 208) fills a Holter report with ectopy that is not there.
 */
export function validationScore(confusion: number[][]): number {
  const { veb, sveb } = ec57Statistics(confusion);
  const normal = confusion[0].reduce((a, b) => a + b, 0);
  const normalSe = normal === 0 ? 0 : (100 * confusion[0][0]) / normal;
  return (veb.se + veb.ppv + sveb.se + sveb.ppv + normalSe) / 500;
}
/** Bump when validationScore changes: checkpoints made under another score are not resumed. */
export const VALIDATION_SCORE_VERSION = 2;

export function classify(p: MlpParameters, set: FeatureSet): Int32Array {
  const probs = predictMlp(p, set.rows, set.labels.length);
  const k = p.layers[p.layers.length - 1].outputs;
  const out = new Int32Array(set.labels.length);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
    out[i] = best;
  }
  return out;
}

export function scoreOn(
  p: MlpParameters,
  set: FeatureSet,
): { metrics: ClassificationMetrics; score: number } {
  const confusion = confusionMatrix(set.labels, classify(p, set));
  return { metrics: metricsFromConfusion(confusion), score: validationScore(confusion) };
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  validationScore: number;
  seconds: number;
}

export interface RhythmTrainResult {
  parameters: MlpParameters;
  bestEpoch: number;
  bestScore: number;
  history: EpochRecord[];
  /** Training time summed over every process that worked on the run (resumes included). */
  seconds: number;
  classWeights: number[];
}

interface Checkpoint {
  identity: string;
  epoch: number;
  rngState: number;
  seconds: number;
  layers: string[];
  adam: { iterations: number; m: string[]; v: string[] };
  best: { epoch: number; score: number; layers: string[] };
  history: EpochRecord[];
}

const b64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const fromB64 = (s: string) => {
  const bytes = Buffer.from(s, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

function standardisation(set: FeatureSet): { mean: Float32Array; invStd: Float32Array } {
  const { rows, width } = set;
  const n = set.labels.length;
  const mean = new Float64Array(width);
  const variance = new Float64Array(width);
  for (let b = 0; b < n; b++) for (let i = 0; i < width; i++) mean[i] += rows[b * width + i];
  for (let i = 0; i < width; i++) mean[i] /= n;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < width; i++) {
      const d = rows[b * width + i] - mean[i];
      variance[i] += d * d;
    }
  return {
    mean: Float32Array.from(mean),
    // A constant feature gets 1 (it then stays 0 after centring) instead of dividing by zero.
    invStd: Float32Array.from(variance, (v) => (v > 1e-12 ? 1 / Math.sqrt(v / n) : 1)),
  };
}

function standardised(set: FeatureSet, mean: Float32Array, invStd: Float32Array): Float32Array {
  const out = new Float32Array(set.rows.length);
  const w = set.width;
  for (let b = 0; b < set.labels.length; b++)
    for (let i = 0; i < w; i++) out[b * w + i] = (set.rows[b * w + i] - mean[i]) * invStd[i];
  return out;
}

export function classWeightsFor(recipe: RhythmRecipe, labels: Int32Array): number[] {
  const counts = countPerClass(labels);
  if (recipe.imbalance === 'smote') return counts.map(() => 1);
  return counts.map((c, k) =>
    c === 0
      ? 0
      : (recipe.classWeights?.[AAMI_CLASSES[k]] ??
        Math.min(recipe.maxClassWeight, Math.pow(counts[0] / c, recipe.classWeightPower))),
  );
}

/** What a checkpoint must match to be resumed: recipe, seed and the exact training data. */
export function runIdentity(
  recipe: RhythmRecipe,
  seed: number,
  train: FeatureSet,
  validation: FeatureSet,
): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ recipe, seed, score: VALIDATION_SCORE_VERSION }));
  for (const a of [train.rows, train.labels, validation.rows, validation.labels])
    h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}

export interface RhythmTrainOptions {
  recipe: RhythmRecipe;
  seed: number;
  train: FeatureSet;
  validation: FeatureSet;
  /** Folder of this run's checkpoint (resumed when its identity matches). */
  checkpointDir?: string;
  onEpoch?: (record: EpochRecord & { bestEpoch: number }) => void;
  signal?: AbortSignal;
}

export async function trainRhythmModel(options: RhythmTrainOptions): Promise<RhythmTrainResult> {
  const { recipe, seed, train, validation } = options;
  const { mean, invStd } = standardisation(train);
  const classWeights = classWeightsFor(recipe, train.labels);
  let trainRows = standardised(train, mean, invStd);
  let trainLabels = train.labels;
  if (recipe.imbalance === 'smote') {
    const balanced = smote(
      { x: trainRows, labels: trainLabels },
      { seed, width: train.width, source: 'rhythm training set' },
    );
    trainRows = balanced.x;
    trainLabels = balanced.labels;
  }
  const init = new SeededRandom(seed);
  const parameters: MlpParameters = {
    mean,
    invStd,
    layers: initMlp([train.width, ...recipe.hidden, 5], () => init.next()),
  };
  let random = new SeededRandom(seed + 1);
  let adam: MlpAdamState = newAdamState(parameters.layers);
  let best = { epoch: 0, score: -1, layers: parameters.layers.map(copyLayer) };
  let history: EpochRecord[] = [];
  let seconds = 0;
  let epoch = 0;
  const identity = runIdentity(recipe, seed, train, validation);
  const checkpointPath = options.checkpointDir ? join(options.checkpointDir, 'checkpoint.json') : undefined;
  if (checkpointPath) {
    const saved = await readCheckpoint(checkpointPath);
    if (saved && saved.identity === identity) {
      epoch = saved.epoch;
      random = SeededRandom.fromState(saved.rngState);
      seconds = saved.seconds;
      history = saved.history;
      setLayers(parameters.layers, saved.layers);
      adam = {
        iterations: saved.adam.iterations,
        m: saved.adam.m.map(fromB64),
        v: saved.adam.v.map(fromB64),
      };
      best = { epoch: saved.best.epoch, score: saved.best.score, layers: parameters.layers.map(copyLayer) };
      setLayers(best.layers, saved.best.layers);
    }
  }
  const trainOptions: MlpTrainOptions = {
    loss: recipe.imbalance === 'focal' ? 'focal' : 'cross-entropy',
    classWeights,
    focalGamma: 2,
    dropout: recipe.dropout,
    batchSize: recipe.batchSize,
    learningRate: recipe.learningRate,
    weightDecay: recipe.weightDecay,
  };
  const more = () =>
    recipe.fixedEpochs !== undefined
      ? epoch < recipe.fixedEpochs
      : epoch < recipe.maxEpochs && epoch - best.epoch < recipe.patience;
  while (more()) {
    options.signal?.throwIfAborted();
    const t0 = performance.now();
    const loss = trainEpoch(parameters, adam, trainRows, trainLabels, trainOptions, random);
    const { score } = scoreOn(parameters, validation);
    epoch++;
    const took = (performance.now() - t0) / 1000;
    seconds += took;
    const record = { epoch, loss, validationScore: score, seconds: took };
    history.push(record);
    if (score > best.score) best = { epoch, score, layers: parameters.layers.map(copyLayer) };
    options.onEpoch?.({ ...record, bestEpoch: best.epoch });
    if (checkpointPath)
      await writeCheckpoint(checkpointPath, {
        identity,
        epoch,
        rngState: random.getState(),
        seconds,
        layers: tensorsOf(parameters.layers).map(b64),
        adam: { iterations: adam.iterations, m: adam.m.map(b64), v: adam.v.map(b64) },
        best: { epoch: best.epoch, score: best.score, layers: tensorsOf(best.layers).map(b64) },
        history,
      });
  }
  const fixed = recipe.fixedEpochs !== undefined;
  const last = history[history.length - 1];
  return {
    parameters: { mean, invStd, layers: fixed ? parameters.layers : best.layers },
    bestEpoch: fixed ? epoch : best.epoch,
    bestScore: fixed ? (last?.validationScore ?? best.score) : best.score,
    history,
    seconds,
    classWeights,
  };
}

function copyLayer(l: DenseLayer): DenseLayer {
  return { inputs: l.inputs, outputs: l.outputs, weights: l.weights.slice(), bias: l.bias.slice() };
}

function setLayers(layers: DenseLayer[], encoded: string[]): void {
  tensorsOf(layers).forEach((t, k) => t.set(fromB64(encoded[k])));
}

async function readCheckpoint(path: string): Promise<Checkpoint | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Checkpoint;
  } catch {
    return undefined;
  }
}

async function writeCheckpoint(path: string, c: Checkpoint): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  // Written aside and renamed: a process ended mid-write leaves the previous checkpoint whole.
  await writeFile(`${path}.tmp`, JSON.stringify(c));
  await rename(`${path}.tmp`, path);
}
