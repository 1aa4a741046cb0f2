/**
 * Heart rate: mean = 60 / mean RR of all known intervals; min and max over clock minutes whose
 * intervals cover at least half the minute, with the minute's start as their time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heartRate, minuteRates, prepareSequence } from '@holterflow/report';
import { build } from './sequences.js';

const near = (a: number | null, b: number, tol = 0.01) =>
  assert.ok(a !== null && Math.abs(a - b) <= tol, `${a} is not ${b} ± ${tol}`);

test('three minutes at 60 bpm and one at 120 bpm: min, max and their minutes', () => {
  // 180 beats 1 s apart from t=0, then 120 beats 0.5 s apart (minute 3), then 60 at 1 s.
  const rr = [0, ...Array(179).fill(1), ...Array(120).fill(0.5), ...Array(60).fill(1)];
  const built = build('N'.repeat(rr.length), rr, { startS: 0 });
  const p = prepareSequence(built.seq);
  const hr = heartRate(p, minuteRates(p));
  near(hr.maxBpm, 120, 0.5);
  assert.equal(hr.maxAtS, 180);
  near(hr.minBpm, 60, 0.5);
  assert.equal(hr.minAtS, 0);
  // 359 intervals over 299 s.
  near(hr.meanBpm, (60 * 359) / 299, 0.01);
  assert.equal(hr.windowSeconds, 60);
});

test('a minute mostly unanalysable has no rate, so it cannot be the minimum', () => {
  // 1 s beats, except a 2.5 s stretch of no beats in minute 2 that is unanalysable, and the rest
  // of minute 2 also unanalysable (beats there are absent): its few intervals cover < 30 s.
  const times: number[] = [];
  for (let t = 0; t < 120; t += 1) times.push(t);
  for (let t = 120; t < 130; t += 2) times.push(t); // slow: 30 bpm, 10 s only
  for (let t = 180; t < 240; t += 1) times.push(t);
  const seq = {
    fs: 250,
    numSamples: 240 * 250,
    samples: times.map((t) => t * 250),
    classes: times.map(() => 'N' as const),
    unanalysable: [{ start: 130 * 250, end: 180 * 250 }],
  };
  const p = prepareSequence(seq);
  const hr = heartRate(p, minuteRates(p));
  near(hr.minBpm, 60, 0.5);
  assert.notEqual(hr.minAtS, 120);
});

test('no beats: no heart rate at all', () => {
  const p = prepareSequence({ fs: 250, numSamples: 250 * 600, samples: [], classes: [], unanalysable: [] });
  const hr = heartRate(p, minuteRates(p));
  assert.deepEqual([hr.meanBpm, hr.minBpm, hr.maxBpm, hr.minAtS, hr.maxAtS], [null, null, null, null, null]);
});

test('one long pause does not make the minimum: a minute needs 10 known intervals', () => {
  // 1 s beats to t = 119, a 56 s pause to t = 175, 1 s beats again: minute 2 (120-180 s) holds the
  // pause and 4 short intervals, 60 s covered but only 5 intervals (5 bpm). The pause is
  // reported as a pause; the minimum is the 60 bpm of the full minutes.
  const rr = [0, ...Array(119).fill(1), 56, ...Array(120).fill(1)];
  const p = prepareSequence(build('N'.repeat(rr.length), rr, { startS: 0 }).seq);
  const hr = heartRate(p, minuteRates(p));
  near(hr.minBpm, 60, 0.5);
  assert.notEqual(hr.minAtS, 120);
});
