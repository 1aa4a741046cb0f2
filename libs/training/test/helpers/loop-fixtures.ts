/**
 * The data and comparisons the training-loop tests share: small separable synthetic parts
 * (train, validation, held-out) and helpers to compare runs without their timings.
 */
import type { EpochReport } from '../../src/index.js';
import { syntheticBeats, type tinyModel } from './synthetic.js';

export const train = syntheticBeats([60, 60, 60, 60, 60], 1);
export const validation = syntheticBeats([20, 20, 20, 20, 20], 2);
export const heldOut = syntheticBeats([30, 30, 30, 30, 30], 3);

export const weightsOf = (m: ReturnType<typeof tinyModel>) =>
  m.getWeights().map((w) => Array.from(w.dataSync()));

/** An epoch history without the fields that depend on the machine's speed. */
export const withoutTiming = (h: EpochReport[]) => h.map(({ secondsPerEpoch: _s, eta: _e, ...rest }) => rest);
