/**
 * Band-limited resampling onto a grid anchored at the start of the record.
 *
 * Output sample k sits at time k / targetFs seconds, i.e. at native position k * fs / targetFs.
 * Because the grid is anchored at the record start (not at the start of the array handed in), a
 * window of a record, read with a margin, yields bit-identical output samples to a whole-record
 * pass wherever the kernel lies inside the window: each output is the same finite sum over the
 * same inputs. This is what lets the classify worker process windows independently.
 *
 * Kernel: Hann-windowed sinc with its cut-off at the lower of the two Nyquist frequencies and a
 * support of ±KERNEL_HALF_WIDTH output periods. ECG energy above 40 Hz is small and everything we
 * keep is below 40 Hz, so the kernel only has to stop content that would alias into 0–40 Hz
 * (≥ 85 Hz when going to 125 Hz); powerline and muscle noise between 40 and 62.5 Hz are removed
 * afterwards by the 125 Hz low-pass, which is much cheaper than a sharp kernel at the native rate.
 */

/** Half-width of the kernel in periods of the slower of the two rates. */
const KERNEL_HALF_WIDTH = 3;
/** Phases are exact when fs/targetFs reduces to a denominator up to this; otherwise quantised. */
const MAX_PHASES = 1024;

export interface Resampler {
  fs: number;
  targetFs: number;
  /** Native samples of kernel support on each side of an output position. */
  halfTaps: number;
  /** Convert an absolute native sample index to the first output index at or after it. */
  firstOutputAtOrAfter(nativeIndex: number): number;
  /**
   * Resample `x`, whose first element is native sample `offset` of the record, onto output indices
   * [firstOut, firstOut + count). Samples outside `x` are taken as the nearest edge sample.
   */
  run(x: Float32Array, offset: number, firstOut: number, count: number, out?: Float32Array): Float32Array;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Integer-scaled ratio num/den = fs/targetFs, exact for rates given to the millihertz. */
function rationalRatio(fs: number, targetFs: number): { num: number; den: number } {
  const a = Math.round(fs * 1000);
  const b = Math.round(targetFs * 1000);
  const g = gcd(a, b);
  return { num: a / g, den: b / g };
}

export function createResampler(fs: number, targetFs: number): Resampler {
  if (!(fs > 0) || !(targetFs > 0))
    throw new RangeError(`sampling rates must be positive (fs=${fs}, target=${targetFs})`);
  const { num, den } = rationalRatio(fs, targetFs);
  const exact = den <= MAX_PHASES;
  const phases = exact ? den : MAX_PHASES;
  const step = fs / targetFs; // native samples per output sample
  // Cut-off relative to the native rate: the lower Nyquist, with a small guard band.
  const cutoff = (0.5 * Math.min(fs, targetFs)) / fs; // cycles per native sample
  const halfWidth = KERNEL_HALF_WIDTH * Math.max(1, step); // in native samples
  const halfTaps = Math.ceil(halfWidth);
  const taps = 2 * halfTaps + 1;
  // table[p * taps + j] weights native sample (base - halfTaps + j) for phase p (fraction p / phases).
  const table = new Float32Array(phases * taps);
  for (let p = 0; p < phases; p++) {
    const frac = p / phases;
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      const t = j - halfTaps - frac; // distance from the output position, native samples
      const sinc = t === 0 ? 1 : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
      const win = Math.abs(t) >= halfWidth ? 0 : 0.5 + 0.5 * Math.cos((Math.PI * t) / halfWidth);
      const w = (t === 0 ? 2 * cutoff : sinc) * win;
      table[p * taps + j] = w;
      sum += w;
    }
    // Unit DC gain for every phase, so a constant stays exactly constant.
    for (let j = 0; j < taps; j++) table[p * taps + j] /= sum;
  }

  return {
    fs,
    targetFs,
    halfTaps,
    firstOutputAtOrAfter(nativeIndex: number): number {
      return Math.ceil((nativeIndex * den) / num - 1e-9);
    },
    run(x, offset, firstOut, count, out: Float32Array = new Float32Array(count)) {
      const n = x.length;
      if (n === 0) throw new RangeError('cannot resample an empty signal');
      // The kernel's constants as locals: V8 does not hoist loads of captured variables out of
      // the hot loop, locals live in registers.
      const kernel = table;
      const width = taps;
      const half = halfTaps;
      const num_ = num;
      const den_ = den;
      // Base index and phase of each output; exact ratios step in integers so the loop does no
      // division, inexact ones round the phase each time. (No closure here: variables a closure
      // mutates live on the heap, which made this loop three times slower.)
      const stepBase = Math.floor(num_ / den_);
      const stepPhase = num_ - stepBase * den_;
      let base = Math.floor((firstOut * num_) / den_);
      let phase = firstOut * num_ - base * den_;
      for (let i = 0; i < count; i++) {
        if (!exact) {
          const pos = (firstOut + i) * step;
          base = Math.floor(pos);
          phase = Math.round((pos - base) * phases);
          if (phase === phases) {
            base += 1;
            phase = 0;
          }
        } else if (i > 0) {
          base += stepBase;
          phase += stepPhase;
          if (phase >= den_) {
            phase -= den_;
            base++;
          }
        }
        const start = base - offset - half;
        const row = phase * width;
        let acc = 0;
        if (start >= 0 && start + width <= n) {
          // Two accumulators halve the dependency chain of the sum (~20% faster here).
          let acc1 = 0;
          let j = 0;
          for (; j + 1 < width; j += 2) {
            acc += kernel[row + j] * x[start + j];
            acc1 += kernel[row + j + 1] * x[start + j + 1];
          }
          if (j < width) acc += kernel[row + j] * x[start + j];
          acc += acc1;
        } else {
          for (let j = 0; j < width; j++) {
            const idx = start + j;
            acc += kernel[row + j] * x[idx < 0 ? 0 : idx >= n ? n - 1 : idx];
          }
        }
        out[i] = acc;
      }
      return out;
    },
  };
}
