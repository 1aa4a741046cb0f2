/**
 * A rhythm model of one or more networks (an ensemble over training seeds): the class
 * probabilities are the mean of the members', then scaled per class and renormalised. The scale
 * is a prior calibration chosen on held-out records: a network trained with class weights on
 * other patients is not calibrated to a new patient's class mix, and moving the decision
 * boundary for S against N is the cheapest lever on its S sensitivity (measured, libs/training
 * README). One member and no scale: exactly predictMlp.
 */
import { predictMlp, type MlpParameters } from './mlp.js';

export function predictEnsemble(
  members: readonly MlpParameters[],
  rows: Float32Array,
  n: number,
  classScale?: readonly number[],
): Float32Array {
  if (members.length === 0) throw new RangeError('an ensemble needs at least one member');
  const out = predictMlp(members[0], rows, n);
  if (members.length === 1 && !classScale) return out;
  for (let m = 1; m < members.length; m++) {
    const p = predictMlp(members[m], rows, n);
    for (let i = 0; i < out.length; i++) out[i] += p[i];
  }
  const k = out.length / Math.max(1, n);
  for (let b = 0; b < n; b++) {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const v = out[b * k + c] * (classScale ? classScale[c] : 1);
      out[b * k + c] = v;
      sum += v;
    }
    for (let c = 0; c < k; c++) out[b * k + c] /= sum;
  }
  return out;
}
