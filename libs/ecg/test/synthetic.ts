/**
 * Synthetic two-lead ECG for tests that need exact ground truth (heart rate extremes, bad leads):
 * Gaussian P, QRS (q, R, s) and T waves at a fixed RR, in mV, at any sampling rate.
 */
export interface SyntheticEcg {
  signals: Float32Array[];
  /** R-peak positions in samples. */
  rPeaks: number[];
}

const WAVES: [offsetS: number, widthS: number, mV: number][] = [
  [-0.16, 0.025, 0.15], // P
  [-0.025, 0.008, -0.1], // q
  [0, 0.01, 1.2], // R
  [0.025, 0.008, -0.25], // s
  [0.25, 0.04, 0.3], // T
];

export function syntheticEcg(fs: number, seconds: number, bpm: number, noiseMv = 0.01): SyntheticEcg {
  const n = Math.round(fs * seconds);
  const rr = 60 / bpm;
  const lead = new Float32Array(n);
  const rPeaks: number[] = [];
  // Deterministic noise (a fixed LCG), so tests never flake.
  let seed = 12345;
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed / 2147483648 - 0.5) * 2 * noiseMv;
  };
  // At very fast rates the T wave would sit on the next QRS: shrink the waves' offsets with RR.
  const squeeze = Math.min(1, rr / 0.6);
  for (let t = 0.5; t < seconds - 0.3; t += rr) {
    const r = Math.round(t * fs);
    rPeaks.push(r);
    for (const [off, width, mv] of WAVES) {
      const centre = (t + off * squeeze) * fs;
      const w = width * fs * (off === 0.25 ? squeeze : 1);
      for (let i = Math.max(0, Math.floor(centre - 5 * w)); i < Math.min(n, centre + 5 * w); i++)
        lead[i] += mv * Math.exp(-0.5 * ((i - centre) / w) ** 2);
    }
  }
  const second = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    second[i] = 0.6 * lead[i] + noise();
    lead[i] += noise();
  }
  return { signals: [lead, second], rPeaks };
}
