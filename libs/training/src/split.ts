/**
 * Stratified train/validation split (the seed's 80/20): each class is shuffled with a seeded
 * PRNG and its first round(fraction·m) beats go to validation, so both parts keep the class
 * proportions. A class with at least two beats keeps at least one on each side.
 */
import { CLASS_COUNT } from './beats.js';
import { SeededRandom } from '@holterflow/ecg';

export interface StratifiedSplit {
  /** Indices into the input, ascending. */
  train: Int32Array;
  validation: Int32Array;
}

export function stratifiedSplit(
  labels: ArrayLike<number>,
  validationFraction: number,
  seed: number,
): StratifiedSplit {
  if (!(validationFraction > 0 && validationFraction < 1))
    throw new RangeError(`validation fraction must be in (0, 1), got ${validationFraction}`);
  const rng = new SeededRandom(seed);
  const byClass: number[][] = Array.from({ length: CLASS_COUNT }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const train: number[] = [];
  const validation: number[] = [];
  for (const members of byClass) {
    const m = members.length;
    if (m === 0) continue;
    rng.shuffle(members);
    let v = Math.round(validationFraction * m);
    if (m >= 2) v = Math.min(Math.max(v, 1), m - 1);
    validation.push(...members.slice(0, v));
    train.push(...members.slice(v));
  }
  const sorted = (a: number[]) => Int32Array.from(a).sort();
  return { train: sorted(train), validation: sorted(validation) };
}
