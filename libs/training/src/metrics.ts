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

/** Sensitivity, positive predictivity and false-positive rate of one EC57 beat class, in percent. */
export interface Ec57ClassStatistics {
  se: number;
  ppv: number;
  fpr: number;
  tp: number;
  fn: number;
  fp: number;
}

/**
 * VEB and SVEB statistics as ANSI/AAMI EC57 (and de Chazal et al. 2004, who follow it) define
 * them from the confusion matrix: a reference V beat labelled anything else is a VEB false
 * negative; a VEB false positive is an N or S beat labelled V — fusion beats labelled V are not
 * counted against VEB +P (EC57 §4.2.4: F beats are neither VEB positives nor negatives there).
 * SVEB false positives are N, V or F beats labelled S. Q beats are left out on both sides (EC57
 * excludes unclassifiable beats from these statistics). FPR = FP / (FP + TN) over the beats that
 * count for the class.
 */
export function ec57Statistics(confusion: number[][]): {
  veb: Ec57ClassStatistics;
  sveb: Ec57ClassStatistics;
} {
  const [N, S, V, F, Q] = [0, 1, 2, 3, 4];
  const stats = (cls: number, negatives: number[], outcomes: number[]): Ec57ClassStatistics => {
    const tp = confusion[cls][cls];
    const fn = outcomes.filter((c) => c !== cls).reduce((a, c) => a + confusion[cls][c], 0);
    const fp = negatives.reduce((a, r) => a + confusion[r][cls], 0);
    const negativesTotal = negatives.reduce(
      (a, r) => a + outcomes.reduce((b, c) => b + confusion[r][c], 0),
      0,
    );
    const pc = (a: number, b: number) => (b === 0 ? 0 : (100 * a) / b);
    return { se: pc(tp, tp + fn), ppv: pc(tp, tp + fp), fpr: pc(fp, negativesTotal), tp, fn, fp };
  };
  const all = [N, S, V, F, Q];
  return { veb: stats(V, [N, S], all), sveb: stats(S, [N, V, F], all) };
}

/**
 * A test part's headline figures as metrics.json states them under `test`: accuracy as a fraction,
 * the EC57 figures in percent, and the confusion they come from.
 */
export interface TestFigures {
  accuracy: number;
  macroF1: number;
  vebSe: number;
  vebPpv: number;
  vebFpr: number;
  svebSe: number;
  svebPpv: number;
  svebFpr: number;
  confusion: number[][];
}

export function testFiguresOf(confusion: number[][]): TestFigures {
  const { accuracy, macroF1 } = metricsFromConfusion(confusion);
  const { veb, sveb } = ec57Statistics(confusion);
  return {
    accuracy,
    macroF1,
    vebSe: veb.se,
    vebPpv: veb.ppv,
    vebFpr: veb.fpr,
    svebSe: sveb.se,
    svebPpv: sveb.ppv,
    svebFpr: sveb.fpr,
    confusion,
  };
}

/** Mean and sample standard deviation (n − 1; 0 for one value): figures over training seeds. */
export function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return { mean, sd };
}

/** Published inter-patient DS1 → DS2 figures (percent), the table `holterflow evaluate` prints beside ours. */
export const PUBLISHED_INTER_PATIENT = [
  { method: 'de Chazal et al. 2004', svebSe: 75.9, svebPpv: 38.5, vebSe: 77.7, vebPpv: 81.9 },
  { method: 'Llamedo & Martínez 2011', svebSe: 77, svebPpv: 39, vebSe: 81, vebPpv: 87 },
  { method: 'Zhang et al. 2014', svebSe: 79.1, svebPpv: 36.0, vebSe: 85.5, vebPpv: 92.7 },
  { method: 'Mar et al. 2011', svebSe: 83.2, svebPpv: 33.5, vebSe: 86.8, vebPpv: 75.9 },
] as const;

/**
 * The EC57 report `holterflow evaluate` prints under the per-class table: the confusion matrix,
 * VEB and SVEB Se / +P / FPR, and — for the inter-patient protocol, where they are comparable —
 * the published DS1 → DS2 figures beside ours.
 */
export function formatEc57Report(metrics: ClassificationMetrics, protocol: string): string {
  const { veb, sveb } = ec57Statistics(metrics.confusion);
  const lines: string[] = [];
  lines.push('confusion (rows: reference, columns: predicted)');
  lines.push(`         ${AAMI_CLASSES.map((c) => c.padStart(7)).join('')}`);
  metrics.confusion.forEach((row, r) =>
    lines.push(
      `${AAMI_CLASSES[r].padEnd(9)}${row.map((v) => v.toLocaleString('en-US').padStart(7)).join('')}`,
    ),
  );
  lines.push('');
  const f = (x: number) => x.toFixed(1).padStart(6);
  lines.push('EC57 (ANSI/AAMI)   Se %   +P %  FPR %');
  lines.push(`VEB             ${f(veb.se)} ${f(veb.ppv)} ${f(veb.fpr)}`);
  lines.push(`SVEB            ${f(sveb.se)} ${f(sveb.ppv)} ${f(sveb.fpr)}`);
  if (protocol === 'inter') {
    lines.push('');
    lines.push('published DS1 → DS2            VEB Se  VEB +P  SVEB Se  SVEB +P');
    const g = (x: number) => x.toFixed(1).padStart(7);
    lines.push(`${'this model'.padEnd(30)}${g(veb.se)} ${g(veb.ppv)}  ${g(sveb.se)}  ${g(sveb.ppv)}`);
    for (const p of PUBLISHED_INTER_PATIENT)
      lines.push(`${p.method.padEnd(30)}${g(p.vebSe)} ${g(p.vebPpv)}  ${g(p.svebSe)}  ${g(p.svebPpv)}`);
  }
  return lines.join('\n');
}
