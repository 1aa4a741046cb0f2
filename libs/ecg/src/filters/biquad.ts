/**
 * Butterworth filters as cascades of second-order sections (RBJ audio-EQ cookbook forms, bilinear
 * transform with pre-warping). Sections run in transposed direct form II with float64 state, which
 * is both the cheapest and the numerically best-behaved form for low cut-offs such as 0.5 Hz.
 */

export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  /** Denominator coefficients with a0 normalised to 1. */
  a1: number;
  a2: number;
}

/** Q of each section of an even-order Butterworth filter (poles spread evenly on the unit circle). */
function butterworthQs(order: number): number[] {
  if (order < 2 || order % 2 !== 0)
    throw new RangeError(`Butterworth order must be even and >= 2, got ${order}`);
  const qs: number[] = [];
  for (let k = 0; k < order / 2; k++) qs.push(1 / (2 * Math.cos((Math.PI * (2 * k + 1)) / (2 * order))));
  return qs;
}

function checkCutoff(fc: number, fs: number): void {
  if (!(fc > 0 && fc < fs / 2))
    throw new RangeError(`cut-off ${fc} Hz must lie in (0, ${fs / 2}) Hz for fs = ${fs} Hz`);
}

export function butterworthLowpass(fc: number, fs: number, order = 2): Biquad[] {
  checkCutoff(fc, fs);
  const w = (2 * Math.PI * fc) / fs;
  return butterworthQs(order).map((q) => {
    const alpha = Math.sin(w) / (2 * q);
    const cos = Math.cos(w);
    const a0 = 1 + alpha;
    return {
      b0: (1 - cos) / 2 / a0,
      b1: (1 - cos) / a0,
      b2: (1 - cos) / 2 / a0,
      a1: (-2 * cos) / a0,
      a2: (1 - alpha) / a0,
    };
  });
}

export function butterworthHighpass(fc: number, fs: number, order = 2): Biquad[] {
  checkCutoff(fc, fs);
  const w = (2 * Math.PI * fc) / fs;
  return butterworthQs(order).map((q) => {
    const alpha = Math.sin(w) / (2 * q);
    const cos = Math.cos(w);
    const a0 = 1 + alpha;
    return {
      b0: (1 + cos) / 2 / a0,
      b1: -(1 + cos) / a0,
      b2: (1 + cos) / 2 / a0,
      a1: (-2 * cos) / a0,
      a2: (1 - alpha) / a0,
    };
  });
}

/** |H(f)| of a cascade, for tests and documentation of the filters' frequency response. */
export function magnitudeResponse(sections: readonly Biquad[], f: number, fs: number): number {
  const w = (2 * Math.PI * f) / fs;
  const c1 = Math.cos(w);
  const s1 = Math.sin(w);
  const c2 = Math.cos(2 * w);
  const s2 = Math.sin(2 * w);
  let gain = 1;
  for (const s of sections) {
    const nr = s.b0 + s.b1 * c1 + s.b2 * c2;
    const ni = -(s.b1 * s1 + s.b2 * s2);
    const dr = 1 + s.a1 * c1 + s.a2 * c2;
    const di = -(s.a1 * s1 + s.a2 * s2);
    gain *= Math.hypot(nr, ni) / Math.hypot(dr, di);
  }
  return gain;
}

/**
 * Run one section over `x` into `y` (which may be `x`), forwards or backwards. The state starts at
 * the steady state for a constant input equal to the first sample seen, so a signal with a DC
 * offset does not ring at its start (the same idea as scipy's lfilter_zi).
 */
function runSection(s: Biquad, x: Float32Array, y: Float32Array, backwards: boolean): void {
  const n = x.length;
  if (n === 0) return;
  const { b0, b1, b2, a1, a2 } = s;
  const first = backwards ? x[n - 1] : x[0];
  const dcGain = (b0 + b1 + b2) / (1 + a1 + a2);
  const yss = first * dcGain;
  let z2 = b2 * first - a2 * yss;
  let z1 = b1 * first - a1 * yss + z2;
  if (backwards) {
    for (let i = n - 1; i >= 0; i--) {
      const xi = x[i];
      const yi = b0 * xi + z1;
      z1 = b1 * xi - a1 * yi + z2;
      z2 = b2 * xi - a2 * yi;
      y[i] = yi;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      const yi = b0 * xi + z1;
      z1 = b1 * xi - a1 * yi + z2;
      z2 = b2 * xi - a2 * yi;
      y[i] = yi;
    }
  }
}

/**
 * Two sections in one loop: the second section's work on sample i does not wait for the first
 * section's work on sample i+1, so the CPU overlaps them (~2x faster than two passes), and the
 * array is read and written once instead of twice.
 */
function runSectionPair(s: Biquad, t: Biquad, x: Float32Array, y: Float32Array, backwards: boolean): void {
  const n = x.length;
  if (n === 0) return;
  const first = backwards ? x[n - 1] : x[0];
  const mid = (first * (s.b0 + s.b1 + s.b2)) / (1 + s.a1 + s.a2);
  const yss = (mid * (t.b0 + t.b1 + t.b2)) / (1 + t.a1 + t.a2);
  let u2 = s.b2 * first - s.a2 * mid;
  let u1 = s.b1 * first - s.a1 * mid + u2;
  let v2 = t.b2 * mid - t.a2 * yss;
  let v1 = t.b1 * mid - t.a1 * yss + v2;
  const { b0: sb0, b1: sb1, b2: sb2, a1: sa1, a2: sa2 } = s;
  const { b0: tb0, b1: tb1, b2: tb2, a1: ta1, a2: ta2 } = t;
  const step = backwards ? -1 : 1;
  for (let k = 0, i = backwards ? n - 1 : 0; k < n; k++, i += step) {
    const xi = x[i];
    const m = sb0 * xi + u1;
    u1 = sb1 * xi - sa1 * m + u2;
    u2 = sb2 * xi - sa2 * m;
    const yi = tb0 * m + v1;
    v1 = tb1 * m - ta1 * yi + v2;
    v2 = tb2 * m - ta2 * yi;
    y[i] = yi;
  }
}

/**
 * Three sections in one loop (the 0.5–40 Hz cleaning filter has three): a pair, then a single
 * section on the pair's output rounded to float32 — exactly what the pair's pass would store in y
 * and the single section's pass read back — with the single section's steady state taken from
 * the pair's first output, as runSection would. Same bits as the two passes, one pass over memory,
 * and the third section's work overlaps the pair's.
 */
function runSectionTriple(
  s: Biquad,
  t: Biquad,
  u: Biquad,
  x: Float32Array,
  y: Float32Array,
  backwards: boolean,
): void {
  const n = x.length;
  if (n === 0) return;
  const first = backwards ? x[n - 1] : x[0];
  const mid = (first * (s.b0 + s.b1 + s.b2)) / (1 + s.a1 + s.a2);
  const yss = (mid * (t.b0 + t.b1 + t.b2)) / (1 + t.a1 + t.a2);
  let u2 = s.b2 * first - s.a2 * mid;
  let u1 = s.b1 * first - s.a1 * mid + u2;
  let v2 = t.b2 * mid - t.a2 * yss;
  let v1 = t.b1 * mid - t.a1 * yss + v2;
  const { b0: sb0, b1: sb1, b2: sb2, a1: sa1, a2: sa2 } = s;
  const { b0: tb0, b1: tb1, b2: tb2, a1: ta1, a2: ta2 } = t;
  const { b0: ub0, b1: ub1, b2: ub2, a1: ua1, a2: ua2 } = u;
  const step = backwards ? -1 : 1;
  let i = backwards ? n - 1 : 0;
  // The pair's first output, which sets the third section's steady state.
  const x0 = x[i];
  const m0 = sb0 * x0 + u1;
  u1 = sb1 * x0 - sa1 * m0 + u2;
  u2 = sb2 * x0 - sa2 * m0;
  const p0 = tb0 * m0 + v1;
  v1 = tb1 * m0 - ta1 * p0 + v2;
  v2 = tb2 * m0 - ta2 * p0;
  const q0 = Math.fround(p0);
  const uss = q0 * ((ub0 + ub1 + ub2) / (1 + ua1 + ua2));
  let w2 = ub2 * q0 - ua2 * uss;
  let w1 = ub1 * q0 - ua1 * uss + w2;
  {
    const yi = ub0 * q0 + w1;
    w1 = ub1 * q0 - ua1 * yi + w2;
    w2 = ub2 * q0 - ua2 * yi;
    y[i] = yi;
  }
  i += step;
  for (let k = 1; k < n; k++, i += step) {
    const xi = x[i];
    const m = sb0 * xi + u1;
    u1 = sb1 * xi - sa1 * m + u2;
    u2 = sb2 * xi - sa2 * m;
    const p = tb0 * m + v1;
    v1 = tb1 * m - ta1 * p + v2;
    v2 = tb2 * m - ta2 * p;
    const q = Math.fround(p);
    const yi = ub0 * q + w1;
    w1 = ub1 * q - ua1 * yi + w2;
    w2 = ub2 * q - ua2 * yi;
    y[i] = yi;
  }
}

/** Every section over x into y, two or three at a time where possible. */
function runCascade(sections: readonly Biquad[], x: Float32Array, y: Float32Array, backwards: boolean): void {
  let src = x;
  let k = 0;
  for (; sections.length - k >= 2; k += 2) {
    if (sections.length - k === 3) {
      runSectionTriple(sections[k], sections[k + 1], sections[k + 2], src, y, backwards);
      return;
    }
    runSectionPair(sections[k], sections[k + 1], src, y, backwards);
    src = y;
  }
  if (k < sections.length) runSection(sections[k], src, y, backwards);
  else if (sections.length === 0 && y !== x) y.set(x);
}

/** Causal filtering through every section in turn; `out` may be `x` for in-place work. */
export function filterForward(
  sections: readonly Biquad[],
  x: Float32Array,
  out: Float32Array = new Float32Array(x.length),
): Float32Array {
  runCascade(sections, x, out, false);
  return out;
}

/**
 * Zero-phase filtering (forward then backward, like filtfilt): no delay and no phase distortion of
 * the QRS or ST segment, at the price of squaring the magnitude response. The start and end of the
 * array carry a transient that the caller's margin absorbs.
 */
export function filterZeroPhase(
  sections: readonly Biquad[],
  x: Float32Array,
  out: Float32Array = new Float32Array(x.length),
): Float32Array {
  runCascade(sections, x, out, false);
  runCascade(sections, out, out, true);
  return out;
}
