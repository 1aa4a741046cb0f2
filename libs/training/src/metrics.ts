/**
 * Classification metrics as the seed report gives them (sklearn's classification_report
 * conventions: a class never predicted has precision 0, a class without support recall 0,
 * F1 0 when precision + recall is 0; macro-F1 is the unweighted mean over the five classes).
 */
import { AAMI_CLASSES, type AamiClass } from '@holterflow/contracts';
import { CLASS_COUNT } from './beats.js';

export interface ClassMetrics {
  class: AamiClass;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationMetrics {
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  /** confusion[true][predicted], class order N, S, V, F, Q. */
  confusion: number[][];
  total: number;
}

export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>): number[][] {
  if (truth.length !== predicted.length)
    throw new RangeError(`${truth.length} true labels but ${predicted.length} predictions`);
  const m = Array.from({ length: CLASS_COUNT }, () => new Array<number>(CLASS_COUNT).fill(0));
  for (let i = 0; i < truth.length; i++) m[truth[i]][predicted[i]]++;
  return m;
}

export function metricsFromConfusion(confusion: number[][]): ClassificationMetrics {
  const total = confusion.flat().reduce((a, b) => a + b, 0);
  let correct = 0;
  const perClass = AAMI_CLASSES.map((cls, c) => {
    const tp = confusion[c][c];
    correct += tp;
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[c], 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { class: cls, precision, recall, f1, support };
  });
  return {
    accuracy: total === 0 ? 0 : correct / total,
    macroF1: perClass.reduce((a, m) => a + m.f1, 0) / CLASS_COUNT,
    perClass,
    confusion,
    total,
  };
}

export function classificationMetrics(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
): ClassificationMetrics {
  return metricsFromConfusion(confusionMatrix(truth, predicted));
}

/** The seed report's test figures (section 4.2), for the side-by-side table. */
export const SEED_TEST_METRICS: Pick<ClassificationMetrics, 'accuracy' | 'macroF1' | 'perClass'> = {
  accuracy: 0.9464,
  macroF1: 0.82,
  perClass: [
    { class: 'N', precision: 0.99, recall: 0.95, f1: 0.97, support: 18_118 },
    { class: 'S', precision: 0.35, recall: 0.83, f1: 0.5, support: 556 },
    { class: 'V', precision: 0.93, recall: 0.96, f1: 0.94, support: 1_448 },
    { class: 'F', precision: 0.61, recall: 0.89, f1: 0.72, support: 162 },
    { class: 'Q', precision: 0.99, recall: 0.99, f1: 0.99, support: 1_608 },
  ],
};

const two = (v: number) => v.toFixed(2);
const count = (v: number) => v.toLocaleString('en-US');

/**
 * The seed-style per-class table, ours on the left and the seed's on the right:
 *
 *   class  precision recall   f1  support │ seed: precision recall   f1  support
 */
export function formatMetricsTable(
  ours: ClassificationMetrics,
  seed: Pick<ClassificationMetrics, 'accuracy' | 'macroF1' | 'perClass'> = SEED_TEST_METRICS,
): string {
  const cells = (m: Pick<ClassMetrics, 'precision' | 'recall' | 'f1' | 'support'>) =>
    `${two(m.precision).padStart(9)} ${two(m.recall).padStart(6)} ${two(m.f1).padStart(5)} ${count(m.support).padStart(8)}`;
  const lines = [
    `${'class'.padEnd(5)} ${'precision'.padStart(9)} ${'recall'.padStart(6)} ${'f1'.padStart(5)} ${'support'.padStart(8)} | seed ${'precision'.padStart(9)} ${'recall'.padStart(6)} ${'f1'.padStart(5)} ${'support'.padStart(8)}`,
  ];
  ours.perClass.forEach((m, c) => {
    lines.push(`${m.class.padEnd(5)} ${cells(m)} |      ${cells(seed.perClass[c])}`);
  });
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  lines.push(
    `accuracy ${pct(ours.accuracy).padStart(7)} (n=${count(ours.total)}) | seed ${pct(seed.accuracy)}`,
  );
  lines.push(`macro-F1 ${ours.macroF1.toFixed(3).padStart(7)} | seed ${two(seed.macroF1)}`);
  return lines.join('\n');
}
