/**
 * A noise stress test after the MIT-BIH Noise Stress Test Database (Moody, Muldrow & Mark 1984;
 * WFDB `nst`): calibrated noise added to a clean record, from minute 5 on, two minutes on and two
 * minutes off, at a signal-to-noise ratio defined as `nst` defines it:
 *   S = the QRS peak-to-peak amplitude of the lead (5 % trimmed mean over up to 300 normal beats,
 *       as `sigamp` measures it), signal power S²/8 (a sinusoid of that peak-to-peak amplitude);
 *   N = the noise RMS (5 % trimmed mean over one-second chunks, mean removed per chunk);
 *   SNR = 10·log10(S² / (8·N²)), so the noise is scaled by a = S / (N·√8·10^(SNR/20)).
 *
 * The NSTDB's own noise records (bw, ma, em) are not bundled here, so the noise is synthesised,
 * deterministically from a seed (the same seed gives the same samples on every machine):
 *  - baseline wander (bw): three respiration-band sinusoids (0.12–0.4 Hz) plus a random walk
 *    low-passed at 0.1 Hz — slow drift, as from breathing and posture;
 *  - muscle (ma): Gaussian noise band-passed 15 Hz .. min(100 Hz, 0.45·fs), amplitude-modulated by a
 *    slow (0.3 Hz) envelope so that it comes in contraction bursts;
 *  - electrode motion (em): Gaussian noise band-passed 1–10 Hz (inside the QRS band, which is
 *    what makes em the hardest NSTDB noise) in bursts, plus transients at a Poisson rate of 1.5/s —
 *    biphasic pulses 40–200 ms wide (log-normal size) that look like QRS complexes to a
 *    detector — and baseline steps decaying over 0.3–1 s, as when an electrode is pulled;
 *  - mixed (the default): 0.8·em + 0.45·ma + 0.4·bw (each of unit RMS), renormalised.
 * Each lead gets its own noise (seed + lead), at the same SNR, as in the NSTDB records.
 */
import { butterworthHighpass, butterworthLowpass, filterForward, type Biquad } from './filters/biquad.js';
import { seededUniform } from './rng.js';

export type NoiseKind = 'bw' | 'ma' | 'em' | 'mixed';
export const NOISE_KINDS: readonly NoiseKind[] = ['bw', 'ma', 'em', 'mixed'];

/** NSTDB protocol: a clean learning period, then noise on and off in turn. */
export const NST_CLEAN_START_S = 300;
export const NST_SEGMENT_S = 120;

function gaussian(next: () => number): () => number {
  return () => {
    const u = Math.max(next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
}

function bandNoise(n: number, normal: () => number, sections: readonly Biquad[]): Float32Array {
  const white = new Float32Array(n);
  for (let i = 0; i < n; i++) white[i] = normal();
  return filterForward(sections, white);
}

/** A slowly varying envelope in [floor, ~2]: bursts of noise rather than a steady hiss. */
function envelope(n: number, fs: number, normal: () => number, hz: number, floor: number): Float32Array {
  const slow = bandNoise(n, normal, butterworthLowpass(Math.min(hz, 0.4 * fs), fs, 2));
  const rms = Math.sqrt(slow.reduce((s, v) => s + v * v, 0) / Math.max(1, n)) || 1;
  for (let i = 0; i < n; i++) slow[i] = floor + Math.abs(slow[i] / rms);
  return slow;
}

function unitRms(x: Float32Array): Float32Array {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= Math.max(1, x.length);
  let power = 0;
  for (const v of x) power += (v - mean) ** 2;
  const rms = Math.sqrt(power / Math.max(1, x.length)) || 1;
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - mean) / rms;
  return x;
}

function baselineWander(n: number, fs: number, next: () => number, normal: () => number): Float32Array {
  const out = new Float32Array(n);
  const tones = [0, 1, 2].map(() => ({
    hz: 0.12 + 0.28 * next(),
    phase: 2 * Math.PI * next(),
    mv: 0.5 + next(),
  }));
  const walk = bandNoise(n, normal, butterworthLowpass(Math.min(0.1, 0.4 * fs), fs, 2));
  let walkRms = 0;
  for (const v of walk) walkRms += v * v;
  walkRms = Math.sqrt(walkRms / Math.max(1, n)) || 1;
  for (let i = 0; i < n; i++) {
    let v = walk[i] / walkRms;
    for (const t of tones) v += t.mv * Math.sin((2 * Math.PI * t.hz * i) / fs + t.phase);
    out[i] = v;
  }
  return unitRms(out);
}

function muscle(n: number, fs: number, normal: () => number): Float32Array {
  const top = Math.min(100, 0.45 * fs);
  const x = bandNoise(n, normal, [...butterworthHighpass(15, fs, 2), ...butterworthLowpass(top, fs, 4)]);
  const env = envelope(n, fs, normal, 0.3, 0.2);
  for (let i = 0; i < n; i++) x[i] *= env[i];
  return unitRms(x);
}

function electrodeMotion(n: number, fs: number, next: () => number, normal: () => number): Float32Array {
  const x = bandNoise(n, normal, [...butterworthHighpass(1, fs, 2), ...butterworthLowpass(10, fs, 2)]);
  const env = envelope(n, fs, normal, 0.2, 0.1);
  for (let i = 0; i < n; i++) x[i] *= 0.6 * env[i];
  // Transients: QRS-like biphasic pulses and decaying baseline steps at Poisson times.
  let t = 0;
  for (;;) {
    t += -Math.log(Math.max(next(), 1e-12)) / 1.5;
    const at = Math.round(t * fs);
    if (at >= n) break;
    const size = Math.exp(0.5 * normal()) * (next() < 0.5 ? -1 : 1);
    if (next() < 0.75) {
      const width = (0.04 + 0.16 * next()) * fs; // 40–200 ms
      const sigma = width / 4;
      for (let i = Math.max(0, Math.floor(at - width)); i < Math.min(n, at + width); i++) {
        const u = (i - at) / sigma;
        x[i] += 2 * size * u * Math.exp(-0.5 * u * u);
      }
    } else {
      const tau = (0.3 + 0.7 * next()) * fs;
      for (let i = at; i < Math.min(n, at + Math.ceil(5 * tau)); i++)
        x[i] += size * Math.exp(-(i - at) / tau);
    }
  }
  return unitRms(x);
}

/** `n` samples of unit-RMS noise of a kind at rate fs, the same for the same seed. */
export function synthesiseNoise(kind: NoiseKind, n: number, fs: number, seed: number): Float32Array {
  const next = seededUniform(seed);
  const normal = gaussian(next);
  if (kind === 'bw') return baselineWander(n, fs, next, normal);
  if (kind === 'ma') return muscle(n, fs, normal);
  if (kind === 'em') return electrodeMotion(n, fs, next, normal);
  const em = electrodeMotion(n, fs, next, normal);
  const ma = muscle(n, fs, normal);
  const bw = baselineWander(n, fs, next, normal);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 0.8 * em[i] + 0.45 * ma[i] + 0.4 * bw[i];
  return unitRms(out);
}

function trimmedMean(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const cut = Math.floor(sorted.length * 0.05);
  const kept = sorted.slice(cut, sorted.length - cut);
  return kept.reduce((s, v) => s + v, 0) / kept.length;
}

/**
 * The beats the signal size S is measured on: the reference's normal beats, or every beat of a
 * record with fewer than 10 normal ones (a paced record). The noise benchmark and the noisy
 * training copies both size their noise this way.
 */
export function signalSizeBeats(beats: readonly { sample: number; aami: string }[]): number[] {
  const normals = beats.filter((b) => b.aami === 'N').map((b) => b.sample);
  return normals.length >= 10 ? normals : beats.map((b) => b.sample);
}

/** `sigamp`-style QRS size: peak-to-peak within ±60 ms of up to 300 normal beats, 5 % trimmed. */
export function qrsPeakToPeak(x: Float32Array, fs: number, normalBeats: readonly number[]): number {
  const half = Math.round(0.06 * fs);
  const step = Math.max(1, Math.floor(normalBeats.length / 300));
  const sizes: number[] = [];
  for (let k = 0; k < normalBeats.length && sizes.length < 300; k += step) {
    const r = normalBeats[k];
    let min = Infinity;
    let max = -Infinity;
    for (let i = Math.max(0, r - half); i <= Math.min(x.length - 1, r + half); i++) {
      const v = x[i];
      if (v !== v) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (max > min) sizes.push(max - min);
  }
  return trimmedMean(sizes);
}

/** `sigamp`-style noise size: RMS of one-second chunks (mean removed), 5 % trimmed. */
export function noiseRms(noise: Float32Array, fs: number): number {
  const chunk = Math.max(1, Math.round(fs));
  const rms: number[] = [];
  for (let s = 0; s + chunk <= noise.length; s += chunk) {
    let mean = 0;
    for (let i = s; i < s + chunk; i++) mean += noise[i];
    mean /= chunk;
    let p = 0;
    for (let i = s; i < s + chunk; i++) p += (noise[i] - mean) ** 2;
    rms.push(Math.sqrt(p / chunk));
  }
  return trimmedMean(rms);
}

/** The noisy stretches of the NSTDB protocol in samples [start, end): from minute 5, 2 on / 2 off. */
export function nstNoisySegments(n: number, fs: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let t = NST_CLEAN_START_S; t * fs < n; t += 2 * NST_SEGMENT_S)
    out.push({ start: Math.round(t * fs), end: Math.min(n, Math.round((t + NST_SEGMENT_S) * fs)) });
  return out;
}

export interface NoiseStressOptions {
  snrDb: number;
  kind?: NoiseKind;
  seed?: number;
  /** Noisy stretches; default the NSTDB protocol. */
  segments?: readonly { start: number; end: number }[];
}

/**
 * The record's leads with calibrated noise added in the noisy stretches (new arrays). `normalBeats`
 * are the reference's normal beats (samples), which set each lead's signal size S (a record
 * without normal beats, e.g. paced MIT-BIH 107, passes all its beats instead). Like `nst`, the
 * noise enters each stretch with an offset that makes it start at zero, so switching it on adds
 * no step.
 */
export function addNoiseStress(
  signals: readonly Float32Array[],
  fs: number,
  normalBeats: readonly number[],
  options: NoiseStressOptions,
): Float32Array[] {
  const kind = options.kind ?? 'mixed';
  const seed = options.seed ?? 1;
  return signals.map((clean, lead) => {
    const n = clean.length;
    const noise = synthesiseNoise(kind, n, fs, seed * 7919 + lead);
    const s = qrsPeakToPeak(clean, fs, normalBeats);
    if (!(s > 0)) throw new RangeError('no beats to measure the signal size (S) on');
    const gain = s / (noiseRms(noise, fs) * Math.sqrt(8) * 10 ** (options.snrDb / 20));
    const out = clean.slice();
    for (const { start, end } of options.segments ?? nstNoisySegments(n, fs)) {
      const offset = noise[start];
      for (let i = start; i < end; i++) out[i] += gain * (noise[i] - offset);
    }
    return out;
  });
}
