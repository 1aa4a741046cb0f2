/**
 * The QRS energy feature of Pan & Tompkins (1985) at 125 Hz: band-pass 5–15 Hz (where QRS energy
 * dominates P/T waves and baseline), five-point derivative, squaring, and moving-window
 * integration over 150 ms (about the widest normal QRS). The detector compares peak heights as the
 * square root of this integral (an RMS slope, mV/s): ectopic beats are often ten times a normal
 * beat's energy, and thresholds that average such heights would otherwise rise above every normal
 * beat in bigeminy (MIT-BIH 228). The root is taken at peaks only, not at every sample.
 */
import { butterworthHighpass, butterworthLowpass, filterForward, type Biquad } from '../filters/biquad.js';
import { BEAT_FS } from '../beat-rate.js';

const QRS_BAND: readonly Biquad[] = [
  ...butterworthHighpass(5, BEAT_FS, 2),
  ...butterworthLowpass(15, BEAT_FS, 2),
];
export const INTEGRATION_SAMPLES = Math.round(0.15 * BEAT_FS);

export interface QrsFeature {
  /** The 5–15 Hz band-passed lead (used for slope tests). */
  band: Float32Array;
  /** Moving-window mean of the squared derivative ((mV/s)²). */
  energy: Float32Array;
}

export function qrsFeature(lead: Float32Array): QrsFeature {
  const n = lead.length;
  const band = filterForward(QRS_BAND, lead);
  const energy = new Float32Array(n);
  // Ring of squared derivatives for the integration window; sum kept in float64.
  const ring = new Float64Array(INTEGRATION_SAMPLES);
  let sum = 0;
  let slot = 0;
  // Module constants as locals: imported and module bindings are re-read on every iteration.
  const window = INTEGRATION_SAMPLES;
  const scale = BEAT_FS / 8;
  const inverse = 1 / INTEGRATION_SAMPLES;
  // The first four samples see band[0] in place of the samples before the array; the rest read
  // their neighbours directly (no edge test in the loop that runs over the whole record).
  const head = Math.min(4, n);
  let i = 0;
  for (; i < head; i++) {
    const x0 = band[i];
    const x1 = i >= 1 ? band[i - 1] : band[0];
    const x3 = i >= 3 ? band[i - 3] : band[0];
    const x4 = band[0];
    const d = (2 * x0 + x1 - x3 - 2 * x4) * scale;
    const sq = d * d;
    sum += sq - ring[slot];
    ring[slot] = sq;
    if (++slot === window) slot = 0;
    energy[i] = sum > 0 ? sum * inverse : 0;
  }
  for (; i < n; i++) {
    const d = (2 * band[i] + band[i - 1] - band[i - 3] - 2 * band[i - 4]) * scale;
    const sq = d * d;
    sum += sq - ring[slot];
    ring[slot] = sq;
    if (++slot === window) slot = 0;
    energy[i] = sum > 0 ? sum * inverse : 0;
  }
  return { band, energy };
}
