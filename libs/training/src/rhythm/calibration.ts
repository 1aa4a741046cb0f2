/**
 * An ensemble's class-prior calibration, chosen on the validation records (never the test part):
 * per-class factors on the averaged probabilities (libs/model predictEnsemble), searched on a
 * small grid for S, V and F (N and Q stay 1) to maximise the validation score. The probabilities
 * are computed once; each grid point is only an argmax.
 */
import { predictEnsemble, type EnsembleOptions, type MlpParameters } from '@holterflow/model';
import { confusionMatrix } from '../metrics.js';
import { validationScore, type FeatureSet } from './recipe.js';

const S_GRID = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8];
const V_GRID = [0.5, 0.75, 1, 1.5, 2];
const F_GRID = [0.5, 1, 2];

/** Most probable class per beat after scaling (a tie goes to the earlier class). */
export function scaledArgmax(probs: Float32Array, n: number, scale: readonly number[]): Int32Array {
  const k = scale.length;
  const out = new Int32Array(n);
  for (let b = 0; b < n; b++) {
    let best = 0;
    let bestValue = probs[b * k] * scale[0];
    for (let c = 1; c < k; c++) {
      const v = probs[b * k + c] * scale[c];
      if (v > bestValue) {
        best = c;
        bestValue = v;
      }
    }
    out[b] = best;
  }
  return out;
}

/** How an ensemble's groups combine (libs/model EnsembleOptions): what its model.json states. */
export type EnsembleMix = Pick<EnsembleOptions, 'scalarMembers' | 'scalarWeight'>;

export interface Calibration {
  classScale: number[];
  /** Validation score without scaling and with the chosen one. */
  unscaled: number;
  score: number;
}

export function chooseClassScale(
  members: readonly MlpParameters[],
  validation: FeatureSet,
  mix: EnsembleMix = {},
): Calibration {
  const n = validation.labels.length;
  return searchClassScale(predictEnsemble(members, validation.rows, n, mix), validation.labels);
}

/**
 * The calibration's own honesty check: leave one validation record out, choose the scale on the
 * others, classify the left-out record with it; the score of the pooled confusion. The chosen
 * scale's score on the records that chose it is optimistic; this one is not (as much).
 */
export function crossValidatedCalibrationScore(
  members: readonly MlpParameters[],
  validation: FeatureSet,
  mix: EnsembleMix = {},
): number {
  const records = validation.recordIds;
  if (!records) throw new Error('the validation set has no record ids');
  const n = validation.labels.length;
  const probs = predictEnsemble(members, validation.rows, n, mix);
  const k = probs.length / Math.max(1, n);
  const pooled = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const heldOut of new Set(records)) {
    const inside = (keep: boolean) => records.flatMap((r, i) => ((r === heldOut) === keep ? [i] : []));
    const pick = (idx: number[]) => ({
      probs: Float32Array.from(
        { length: idx.length * k },
        (_, j) => probs[idx[Math.floor(j / k)] * k + (j % k)],
      ),
      labels: Int32Array.from(idx, (i) => validation.labels[i]),
    });
    const rest = pick(inside(false));
    const held = pick(inside(true));
    const { classScale } = searchClassScale(rest.probs, rest.labels);
    const c = confusionMatrix(held.labels, scaledArgmax(held.probs, held.labels.length, classScale));
    for (let r = 0; r < k; r++) for (let p = 0; p < k; p++) pooled[r][p] += c[r][p];
  }
  return validationScore(pooled);
}

/** The grid search on probabilities already computed (n × 5) and their labels. */
export function searchClassScale(probs: Float32Array, labels: Int32Array): Calibration {
  const n = labels.length;
  const scoreOf = (scale: number[]) =>
    validationScore(confusionMatrix(labels, scaledArgmax(probs, n, scale)));
  const unscaled = scoreOf([1, 1, 1, 1, 1]);
  let best: Calibration = { classScale: [1, 1, 1, 1, 1], unscaled, score: unscaled };
  // Distance from no scaling, to prefer the smallest change among equal scores.
  const change = (s: number[]) => s.reduce((a, v) => a + Math.abs(Math.log(v)), 0);
  for (const sS of S_GRID)
    for (const sV of V_GRID)
      for (const sF of F_GRID) {
        const scale = [1, sS, sV, sF, 1];
        const score = scoreOf(scale);
        if (
          score > best.score + 1e-12 ||
          (Math.abs(score - best.score) <= 1e-12 && change(scale) < change(best.classScale))
        )
          best = { classScale: scale, unscaled, score };
      }
  return best;
}

/** Confusion matrix of an ensemble (optionally scaled) on a feature set. */
export function ensembleConfusion(
  members: readonly MlpParameters[],
  set: FeatureSet,
  classScale: readonly number[] = [1, 1, 1, 1, 1],
  mix: EnsembleMix = {},
): number[][] {
  const n = set.labels.length;
  return confusionMatrix(set.labels, scaledArgmax(predictEnsemble(members, set.rows, n, mix), n, classScale));
}
