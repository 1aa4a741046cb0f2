/**
 * LF and HF power of one segment of NN intervals by the Lomb-Scargle periodogram (Lomb 1976,
 * Scargle 1982), which needs no resampling of the unevenly spaced NN series. The series is
 * detrended (least-squares line) first. Power is scaled to a one-sided density in ms²/Hz
 * (2 · mean sampling interval · periodogram), so that a band's power is its share of the
 * variance: a 30 ms sine at 0.25 Hz gives an HF power of about 450 ms².
 * Bands (Task Force 1996): LF 0.04-0.15 Hz, HF 0.15-0.4 Hz.
 */
export const LF_BAND: readonly [number, number] = [0.04, 0.15];
export const HF_BAND: readonly [number, number] = [0.15, 0.4];
/** Frequency step: twice oversampled for a 5-min segment (resolution 1/300 Hz). */
const DF = 1 / 600;
const K = Math.floor(HF_BAND[1] / DF);

/** Times in seconds, values in ms; returns band powers in ms². */
export function lombScargleBands(t: readonly number[], y: readonly number[]): { lf: number; hf: number } {
  const n = t.length;
  if (n < 4) return { lf: 0, hf: 0 };
  // Least-squares detrend.
  let st = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    st += t[i];
    sy += y[i];
  }
  const mt = st / n;
  const my = sy / n;
  let stt = 0;
  let sty = 0;
  for (let i = 0; i < n; i++) {
    stt += (t[i] - mt) ** 2;
    sty += (t[i] - mt) * (y[i] - my);
  }
  const slope = stt > 0 ? sty / stt : 0;
  // Accumulators per frequency k·DF (k = 1..K): Σy·cos ωt, Σy·sin ωt, Σcos 2ωt, Σsin 2ωt.
  const syc = new Float64Array(K + 1);
  const sys = new Float64Array(K + 1);
  const c2 = new Float64Array(K + 1);
  const s2 = new Float64Array(K + 1);
  const w = 2 * Math.PI * DF;
  for (let i = 0; i < n; i++) {
    const ti = t[i] - t[0];
    const yi = y[i] - my - slope * (t[i] - mt);
    const c1 = Math.cos(w * ti);
    const s1 = Math.sin(w * ti);
    let c = c1;
    let s = s1;
    for (let k = 1; k <= K; k++) {
      syc[k] += yi * c;
      sys[k] += yi * s;
      c2[k] += c * c - s * s;
      s2[k] += 2 * c * s;
      // Angle addition: (k+1)·ω·t from k·ω·t.
      const cn = c * c1 - s * s1;
      s = s * c1 + c * s1;
      c = cn;
    }
  }
  const meanInterval = (t[n - 1] - t[0]) / (n - 1);
  let lf = 0;
  let hf = 0;
  for (let k = 1; k <= K; k++) {
    const f = k * DF;
    const twoTau = Math.atan2(s2[k], c2[k]);
    const ct = Math.cos(twoTau / 2);
    const stau = Math.sin(twoTau / 2);
    const proj = c2[k] * Math.cos(twoTau) + s2[k] * Math.sin(twoTau);
    const cc = n / 2 + proj / 2;
    const ss = n / 2 - proj / 2;
    const a = syc[k] * ct + sys[k] * stau;
    const b = sys[k] * ct - syc[k] * stau;
    const power = 0.5 * ((cc > 0 ? (a * a) / cc : 0) + (ss > 0 ? (b * b) / ss : 0));
    const density = 2 * meanInterval * power;
    if (f >= LF_BAND[0] && f < LF_BAND[1]) lf += density * DF;
    else if (f >= HF_BAND[0] && f <= HF_BAND[1]) hf += density * DF;
  }
  return { lf, hf };
}
