import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BEAT_LENGTH, SEGMENT_WINDOW_SECONDS, analyseBeats } from '@holterflow/ecg';
import { syntheticEcg } from './synthetic.js';

test('beats are 187 samples in [0, 1], start at the R-peak, 1.2·RR long, zero-padded', () => {
  const fs = 360;
  const { signals, rPeaks } = syntheticEcg(fs, 60, 75); // RR 0.8 s = 100 samples at 125 Hz
  const { beats } = analyseBeats(signals, fs);
  const n = beats.samples.length;
  assert.equal(n, rPeaks.length);
  assert.equal(beats.x.length, n * BEAT_LENGTH);
  for (let b = 0; b < n; b++) {
    assert.ok(
      Math.abs(beats.samples[b] - rPeaks[b]) <= 2,
      `beat ${b} at ${beats.samples[b]}, R at ${rPeaks[b]}`,
    );
    const x = beats.x.subarray(b * BEAT_LENGTH, (b + 1) * BEAT_LENGTH);
    assert.ok(x.every((v) => v >= 0 && v <= 1));
    assert.ok(x[0] > 0.95, `beat ${b} starts at its R-peak (x[0] = ${x[0]})`);
    if (b === n - 1) continue; // the record ends 0.3 s after the last R-peak
    assert.ok(x[119] > 0, 'signal up to 1.2·T = 120 samples');
    assert.ok(
      x.subarray(120).every((v) => v === 0),
      'zero padding after 1.2·T',
    );
  }
  // Each 10 s window is normalised on its own: its largest R-peak reaches 1.
  const firstWindow = beats.samples.findIndex((s) => s >= SEGMENT_WINDOW_SECONDS * fs);
  let top = 0;
  for (let b = firstWindow; b < n && beats.samples[b] < 2 * SEGMENT_WINDOW_SECONDS * fs; b++)
    top = Math.max(top, beats.x[b * BEAT_LENGTH]);
  assert.ok(top > 0.999, `window maximum ${top}`);
});

test('RR features in ms; the record edges take the local mean', () => {
  const fs = 250;
  const { signals } = syntheticEcg(fs, 30, 60);
  const { beats } = analyseBeats(signals, fs);
  const n = beats.samples.length;
  for (let b = 1; b < n - 1; b++) {
    assert.ok(Math.abs(beats.rrPrevMs[b] - 1000) <= 8, `rr_prev ${beats.rrPrevMs[b]}`);
    assert.ok(Math.abs(beats.rrNextMs[b] - 1000) <= 8);
    assert.ok(Math.abs(beats.rrLocalMs[b] - 1000) <= 4);
  }
  assert.equal(beats.rrPrevMs[0], beats.rrLocalMs[0]);
  assert.equal(beats.rrNextMs[n - 1], beats.rrLocalMs[n - 1]);
});

test('a fast rhythm gives short beats; a slow one is capped at 187 samples', () => {
  const fast = analyseBeats(syntheticEcg(360, 30, 150).signals, 360).beats; // T = 50 → 60 samples
  const x = fast.x.subarray(5 * BEAT_LENGTH, 6 * BEAT_LENGTH);
  assert.ok(x[59] > 0 && x.subarray(61).every((v) => v === 0));
  const slow = analyseBeats(syntheticEcg(360, 60, 35).signals, 360).beats; // 1.2·T = 257 > 187
  assert.ok(slow.x[5 * BEAT_LENGTH + 186] > 0, 'no padding when 1.2·T exceeds 1.5 s');
});
