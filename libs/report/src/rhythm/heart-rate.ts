/**
 * Heart rate from all known RR intervals (every beat class: the rate the ventricles beat at).
 * A rate over a span is 60 / mean RR of the intervals that end in it (the mean of intervals, not
 * of instantaneous rates, so a couplet does not pull it up). Minimum and maximum are taken over
 * whole clock minutes from the start of the recording, counting a minute only when its intervals
 * cover at least half of it and there are at least 10 of them (so neither a minute cut by an
 * unanalysable stretch nor one long pause, which pauses report, makes an extreme).
 */
import type { HeartRate } from '@holterflow/contracts';
import type { PreparedSequence } from './beat-sequence.js';

export const HR_WINDOW_SECONDS = 60;
/** Share of a minute its RR intervals must cover for the minute to have a rate. */
const MIN_COVERAGE = 0.5;
/** Known intervals a minute needs for a rate (a minute at 20 bpm still has 20). */
const MIN_INTERVALS = 10;
/** Beats in the running mean whose extremes give a minute's min/max in the plot. */
export const HR_PLOT_BEATS = 8;

export function meanRateBpm(p: PreparedSequence, fromS = 0, toS = Infinity): number | null {
  let sum = 0;
  let n = 0;
  for (let i = 1; i < p.rrS.length; i++) {
    const t = p.timeS[i];
    if (t < fromS || t >= toS) continue;
    const rr = p.rrS[i];
    if (Number.isFinite(rr)) {
      sum += rr;
      n++;
    }
  }
  return n === 0 ? null : 60 / (sum / n);
}

/** Per clock minute: mean rate (NaN without enough coverage), and the min/max 8-beat running rates. */
export interface MinuteRates {
  meanBpm: Float64Array;
  minBpm: Float64Array;
  maxBpm: Float64Array;
}

export function minuteRates(p: PreparedSequence): MinuteRates {
  const minutes = Math.max(1, Math.ceil(p.durationS / HR_WINDOW_SECONDS));
  const sum = new Float64Array(minutes);
  const cnt = new Float64Array(minutes);
  const minBpm = new Float64Array(minutes).fill(NaN);
  const maxBpm = new Float64Array(minutes).fill(NaN);
  // Running sum of the last HR_PLOT_BEATS known intervals, reset at an unknown one.
  let runSum = 0;
  let runLen = 0;
  const ring = new Float64Array(HR_PLOT_BEATS);
  for (let i = 1; i < p.rrS.length; i++) {
    const rr = p.rrS[i];
    const m = Math.min(minutes - 1, Math.floor(p.timeS[i] / HR_WINDOW_SECONDS));
    if (!Number.isFinite(rr)) {
      runSum = 0;
      runLen = 0;
      continue;
    }
    sum[m] += rr;
    cnt[m]++;
    const slot = runLen % HR_PLOT_BEATS;
    if (runLen >= HR_PLOT_BEATS) runSum -= ring[slot];
    ring[slot] = rr;
    runSum += rr;
    runLen++;
    if (runLen >= HR_PLOT_BEATS) {
      const rate = (60 * HR_PLOT_BEATS) / runSum;
      if (!(rate >= minBpm[m])) minBpm[m] = rate;
      if (!(rate <= maxBpm[m])) maxBpm[m] = rate;
    }
  }
  const meanBpm = new Float64Array(minutes);
  for (let m = 0; m < minutes; m++) {
    const span = Math.min(HR_WINDOW_SECONDS, p.durationS - m * HR_WINDOW_SECONDS);
    meanBpm[m] = cnt[m] >= MIN_INTERVALS && sum[m] >= MIN_COVERAGE * span ? (60 * cnt[m]) / sum[m] : NaN;
  }
  return { meanBpm, minBpm, maxBpm };
}

export function heartRate(p: PreparedSequence, minutes: MinuteRates): HeartRate {
  let min = -1;
  let max = -1;
  for (let m = 0; m < minutes.meanBpm.length; m++) {
    const r = minutes.meanBpm[m];
    if (Number.isNaN(r)) continue;
    if (min < 0 || r < minutes.meanBpm[min]) min = m;
    if (max < 0 || r > minutes.meanBpm[max]) max = m;
  }
  return {
    windowSeconds: HR_WINDOW_SECONDS,
    meanBpm: meanRateBpm(p),
    minBpm: min < 0 ? null : minutes.meanBpm[min],
    minAtS: min < 0 ? null : min * HR_WINDOW_SECONDS,
    maxBpm: max < 0 ? null : minutes.meanBpm[max],
    maxAtS: max < 0 ? null : max * HR_WINDOW_SECONDS,
  };
}
