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
  /** Absolute native sample range [from, to) that outputs [firstOut, firstOut + count) are summed
   * from (a sample or two wide on each side, never narrow). */
  nativeReach(firstOut: number, count: number): { from: number; to: number };
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

  // The taps that carry weight: the window is zero at and beyond ±halfWidth, so for most ratios
  // the outermost taps are zero for every phase (for 360 → 125 Hz the first of the 19 always is).
  let firstTap = taps;
  let lastTap = -1;
  for (let p = 0; p < phases; p++) {
    for (let j = 0; j < taps; j++) {
      if (table[p * taps + j] === 0) continue;
      firstTap = Math.min(firstTap, j);
      lastTap = Math.max(lastTap, j);
    }
  }
  const width = Math.max(0, lastTap - firstTap + 1);
  // The weighted taps again, widened to float64 (exact) so the sum does not convert each weight.
  const weights = new Float64Array(phases * width);
  for (let p = 0; p < phases; p++)
    for (let m = 0; m < width; m++) weights[p * width + m] = table[p * taps + firstTap + m];

  return {
    fs,
    targetFs,
    halfTaps,
    firstOutputAtOrAfter(nativeIndex: number): number {
      return Math.ceil((nativeIndex * den) / num - 1e-9);
    },
    nativeReach(firstOut: number, count: number): { from: number; to: number } {
      // Output k sums native samples base−halfTaps .. base+halfTaps with base = ⌊k·step⌋, or one
      // more where an inexact phase rounds up; two samples of slack cover float rounding.
      const from = Math.floor(firstOut * step) - halfTaps - 2;
      const to = Math.floor((firstOut + Math.max(0, count - 1)) * step) + halfTaps + 3;
      return { from, to };
    },
    run(x, offset, firstOut, count, out: Float32Array = new Float32Array(count)) {
      if (x.length === 0) throw new RangeError('cannot resample an empty signal');
      const kernel: Kernel = { table, taps, weights, width, firstTap };
      // Index in x of the first tap of output k: base(k) − shift.
      const shift = offset + halfTaps;
      if (exact) sumOnExactGrid(x, kernel, num, den, shift, firstOut, count, out);
      else {
        for (let i = 0; i < count; i++) {
          // Inexact ratios: the phase is rounded to the nearest of the quantised phases.
          const pos = (firstOut + i) * step;
          let base = Math.floor(pos);
          let phase = Math.round((pos - base) * phases);
          if (phase === phases) {
            base += 1;
            phase = 0;
          }
          out[i] = sumOne(x, kernel, base - shift, phase);
        }
      }
      return out;
    },
  };
}

/**
 * The kernel in two forms: `table` (float32, every tap: phase p's taps at p·taps) and `weights`
 * (float64, only taps firstTap .. firstTap+width−1, which hold every nonzero weight).
 *
 * Every output is Σ_j table[phase·taps + j] · x[start + j], summed in two float64 accumulators —
 * one over the even taps j and one over the odd taps, each in ascending order — added at the end.
 * Every output must keep exactly this order: window passes and whole-record passes have to agree
 * bit for bit, and so do releases. What makes it cheap without changing a bit:
 *  - zero-weight taps are skipped (adding ±0 never changes a sum that starts at +0; this holds
 *    for finite samples — 0·NaN would be NaN — and preprocessLeads bridges NaN before resampling);
 *  - the weights are read as float64 (float32 → float64 is exact, so are the products);
 *  - on exact grids two outputs are summed side by side, so the CPU overlaps their four chains of
 *    additions, and the grid is stepped in integers in the same loop (together ~20 % faster on
 *    360 Hz recordings than one output at a time from float32 weights).
 * Trimmed tap m is original tap firstTap + m, so the a-chains below hold the original taps of
 * firstTap's parity and the b-chains the others: a + b is the original even + odd sum, since the
 * final addition of the two totals commutes exactly.
 * Outputs whose kernel reaches past an end of x go through sumClamped, the original single sum.
 */
interface Kernel {
  table: Float32Array;
  taps: number;
  weights: Float64Array;
  width: number;
  firstTap: number;
}

/**
 * Outputs firstOut .. firstOut+count−1 into out[0 ..] on a grid of exactly num/den native samples
 * per output: each output's base advances in integers (no division), phase = its remainder.
 */
function sumOnExactGrid(
  x: Float32Array,
  kernel: Kernel,
  num: number,
  den: number,
  shift: number,
  firstOut: number,
  count: number,
  out: Float32Array,
): void {
  const n = x.length;
  const { weights, width, firstTap, taps } = kernel;
  const stepBase = Math.floor(num / den);
  const stepPhase = num - stepBase * den;
  let base = Math.floor((firstOut * num) / den);
  let phase = firstOut * num - base * den;
  for (let i = 0; i < count; i++) {
    const start0 = base - shift;
    const phase0 = phase;
    base += stepBase;
    phase += stepPhase;
    if (phase >= den) {
      phase -= den;
      base++;
    }
    const start1 = base - shift;
    if (i + 1 >= count || start0 < 0 || start1 + taps > n) {
      out[i] = sumOne(x, kernel, start0, phase0);
      continue;
    }
    // Outputs i and i+1 together (both kernels inside x: start0 >= 0, start1 > start0).
    const s0 = start0 + firstTap;
    const w0 = phase0 * width;
    const s1 = start1 + firstTap;
    const w1 = phase * width;
    base += stepBase;
    phase += stepPhase;
    if (phase >= den) {
      phase -= den;
      base++;
    }
    let a0 = 0;
    let b0 = 0;
    let a1 = 0;
    let b1 = 0;
    let m = 0;
    for (; m + 1 < width; m += 2) {
      a0 += weights[w0 + m] * x[s0 + m];
      a1 += weights[w1 + m] * x[s1 + m];
      b0 += weights[w0 + m + 1] * x[s0 + m + 1];
      b1 += weights[w1 + m + 1] * x[s1 + m + 1];
    }
    if (m < width) {
      a0 += weights[w0 + m] * x[s0 + m];
      a1 += weights[w1 + m] * x[s1 + m];
    }
    out[i] = a0 + b0;
    out[i + 1] = a1 + b1;
    i++;
  }
}

/** One output whose kernel's first tap is x[start], of the given phase. */
function sumOne(x: Float32Array, kernel: Kernel, start: number, phase: number): number {
  const { weights, width, firstTap, taps } = kernel;
  if (start < 0 || start + taps > x.length) return sumClamped(x, kernel.table, taps, start, phase);
  const s0 = start + firstTap;
  const w0 = phase * width;
  let a0 = 0;
  let b0 = 0;
  let m = 0;
  for (; m + 1 < width; m += 2) {
    a0 += weights[w0 + m] * x[s0 + m];
    b0 += weights[w0 + m + 1] * x[s0 + m + 1];
  }
  if (m < width) a0 += weights[w0 + m] * x[s0 + m];
  return a0 + b0;
}

/** One output whose kernel reaches past an end of x: samples outside are the nearest edge sample. */
function sumClamped(
  x: Float32Array,
  table: Float32Array,
  taps: number,
  start: number,
  phase: number,
): number {
  const n = x.length;
  const row = phase * taps;
  let acc = 0;
  for (let j = 0; j < taps; j++) {
    const idx = start + j;
    acc += table[row + j] * x[idx < 0 ? 0 : idx >= n ? n - 1 : idx];
  }
  return acc;
}
