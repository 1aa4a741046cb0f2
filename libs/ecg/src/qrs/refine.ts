/**
 * From a QRS energy peak to the R-peak: the energy peak lags the QRS (causal band-pass, derivative
 * and the 150 ms integration window), so the R-peak is searched in the window before it, as the
 * sample of largest absolute amplitude of the cleaned lead (baseline already removed), with
 * parabolic interpolation for the sub-sample position at the native rate. The dataset builder uses
 * this same function, so training beats and inference beats are cut at the same fiducial.
 */
import { BEAT_FS, type PreprocessedLeads } from '../preprocess.js';

/** Search window relative to the energy peak, in 125 Hz samples (measured on MIT-BIH). */
export const REFINE_FROM = -Math.round(0.24 * BEAT_FS);
export const REFINE_TO = 0;

export interface RefinedPeak {
  /** 125 Hz index within the preprocessed arrays. */
  index: number;
  /** Sub-sample offset in (-0.5, 0.5) from parabolic interpolation. */
  fraction: number;
}

/** The lead to read at sample i: the primary where readable, else the first readable other lead. */
function leadAt(pre: PreprocessedLeads, primary: number, i: number): number | undefined {
  if (pre.readable[primary][i]) return primary;
  for (let l = 0; l < pre.leads.length; l++) if (pre.leads[l] && pre.readable[l][i]) return l;
  return undefined;
}

/** Largest |x| in [from, to] (clamped to the arrays) of the lead readable at `centre`. */
export function largestDeflection(
  pre: PreprocessedLeads,
  primary: number,
  centre: number,
  from: number,
  to: number,
): RefinedPeak | undefined {
  const lead = leadAt(pre, primary, Math.min(Math.max(centre, 0), pre.readable[primary].length - 1));
  const x = lead === undefined ? null : pre.leads[lead];
  if (!x) return undefined;
  const lo = Math.max(0, from);
  const hi = Math.min(x.length - 1, to);
  if (hi < lo) return undefined;
  let best = lo;
  let largest = Math.abs(x[lo]);
  for (let j = lo + 1; j <= hi; j++) {
    const size = Math.abs(x[j]);
    if (size > largest) {
      best = j;
      largest = size;
    }
  }
  let fraction = 0;
  if (best > 0 && best < x.length - 1) {
    const a = Math.abs(x[best - 1]);
    const b = Math.abs(x[best]);
    const c = Math.abs(x[best + 1]);
    const denom = a - 2 * b + c;
    if (denom < 0) fraction = Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / denom));
  }
  return { index: best, fraction };
}

/** R-peak of the QRS whose energy peaks at 125 Hz index `energyPeak`. */
export function refineRPeak(
  pre: PreprocessedLeads,
  primary: number,
  energyPeak: number,
): RefinedPeak | undefined {
  return largestDeflection(pre, primary, energyPeak, energyPeak + REFINE_FROM, energyPeak + REFINE_TO);
}
