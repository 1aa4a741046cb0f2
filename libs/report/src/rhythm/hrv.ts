/**
 * Heart rate variability on normal-to-normal (NN) intervals, after the Task Force of the ESC and
 * NASPE, "Heart rate variability: standards of measurement", Circulation 93:1043-1065 (1996).
 *
 * Exclusion rule: an RR interval is NN when both of its beats are class N, it is known (no
 * unanalysable stretch between them) and it lies within 300..2000 ms. Everything else (any
 * interval touching an S, V, F or Q beat, a pause, a gap) is left out.
 *
 * 5-minute segments are clock segments from the start of the recording; one is used when its NN
 * intervals cover at least half of it.
 */
import type { Hrv } from '@holterflow/contracts';
import type { PreparedSequence } from './beat-sequence.js';
import { lombScargleBands } from './lomb-scargle.js';

export const NN_MIN_S = 0.3;
export const NN_MAX_S = 2.0;
export const SEGMENT_S = 300;
const SEGMENT_COVERAGE = 0.5;
/** Histogram bin of the triangular index: 1/128 s (7.8125 ms), the Task Force's. */
const TRIANGULAR_BIN_S = 1 / 128;

export function isNn(p: PreparedSequence, i: number): boolean {
  const rr = p.rrS[i];
  return i > 0 && p.classes[i] === 'N' && p.classes[i - 1] === 'N' && rr >= NN_MIN_S && rr <= NN_MAX_S;
}

function sd(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
}

export function hrv(p: PreparedSequence): Hrv {
  const n = p.rrS.length;
  const nnMs: number[] = [];
  let rrKnown = 0;
  let diffs = 0;
  let diffSq = 0;
  let over50 = 0;
  const segments = new Map<number, { t: number[]; nn: number[] }>();
  for (let i = 1; i < n; i++) {
    if (Number.isFinite(p.rrS[i])) rrKnown++;
    if (!isNn(p, i)) continue;
    const ms = p.rrS[i] * 1000;
    nnMs.push(ms);
    // Successive differences only between adjacent NN intervals (beats i-2, i-1, i).
    if (isNn(p, i - 1)) {
      const d = ms - p.rrS[i - 1] * 1000;
      diffs++;
      diffSq += d * d;
      if (Math.abs(d) > 50) over50++;
    }
    const seg = Math.floor(p.timeS[i] / SEGMENT_S);
    let s = segments.get(seg);
    if (!s) segments.set(seg, (s = { t: [], nn: [] }));
    s.t.push(p.timeS[i]);
    s.nn.push(ms);
  }
  const used = [...segments.entries()]
    .filter(([seg, s]) => {
      const span = Math.min(SEGMENT_S, p.durationS - seg * SEGMENT_S);
      return s.nn.reduce((a, v) => a + v, 0) / 1000 >= SEGMENT_COVERAGE * span && s.nn.length >= 2;
    })
    .map(([, s]) => s);
  const segMeans = used.map((s) => s.nn.reduce((a, v) => a + v, 0) / s.nn.length);
  const segSds = used.map((s) => sd(s.nn)).filter((v): v is number => v !== null);
  let triangularIndex: number | null = null;
  if (nnMs.length >= 2) {
    const hist = new Map<number, number>();
    let peak = 0;
    for (const ms of nnMs) {
      const bin = Math.floor(ms / 1000 / TRIANGULAR_BIN_S);
      const c = (hist.get(bin) ?? 0) + 1;
      hist.set(bin, c);
      if (c > peak) peak = c;
    }
    triangularIndex = nnMs.length / peak;
  }
  const bands = used.map((s) => lombScargleBands(s.t, s.nn));
  const lf = bands.length ? bands.reduce((a, b) => a + b.lf, 0) / bands.length : null;
  const hf = bands.length ? bands.reduce((a, b) => a + b.hf, 0) / bands.length : null;
  return {
    nnIntervals: nnMs.length,
    nnPercent: rrKnown > 0 ? (100 * nnMs.length) / rrKnown : null,
    meanNnMs: nnMs.length ? nnMs.reduce((a, v) => a + v, 0) / nnMs.length : null,
    sdnnMs: sd(nnMs),
    sdannMs: sd(segMeans),
    sdnnIndexMs: segSds.length ? segSds.reduce((a, v) => a + v, 0) / segSds.length : null,
    rmssdMs: diffs > 0 ? Math.sqrt(diffSq / diffs) : null,
    pnn50Percent: diffs > 0 ? (100 * over50) / diffs : null,
    triangularIndex,
    spectralSegments: bands.length,
    lfMs2: lf,
    hfMs2: hf,
    lfHf: lf !== null && hf !== null && hf > 0 ? lf / hf : null,
  };
}
