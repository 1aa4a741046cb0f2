import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectQrsPeaks } from '@holterflow/ecg';

const FS = 125; // the detector's rate (BEAT_FS)
const RR = FS; // 60 bpm

/** An energy feature of Gaussian bumps (RMS slope `height` at each peak) and a band lead whose
 * slopes scale with it: the detector's two inputs, built directly (a unit test of the decision
 * rules, not of the filters). */
function feature(seconds: number, peaks: { at: number; height: number }[]) {
  const n = seconds * FS;
  const energy = new Float32Array(n);
  const band = new Float32Array(n);
  for (const { at, height } of peaks) {
    for (let i = Math.max(0, at - 10); i < Math.min(n, at + 10); i++) {
      const g = Math.exp(-0.5 * ((i - at) / 3) ** 2);
      energy[i] += (height * g) ** 2;
      band[i] += height * g * 0.05;
    }
  }
  return { energy, band };
}

test('a small peak between two beats one ordinary RR apart is noise; an interposed beat of full size is kept', () => {
  const beats = Array.from({ length: 40 }, (_, k) => ({ at: 60 + k * RR, height: 10 }));
  // At 45 % of the RR after beats 20 and 30: past the T-wave window, above the threshold.
  const small = { at: beats[20].at + Math.round(0.45 * RR), height: 4 };
  const full = { at: beats[30].at + Math.round(0.45 * RR), height: 9 };
  const found = Array.from(detectQrsPeaks(feature(42, [...beats, small, full])));
  const near = (x: number) => found.some((f) => Math.abs(f - x) <= 2);
  for (const b of beats) assert.ok(near(b.at), `beat at ${b.at} found`);
  assert.ok(!near(small.at), 'the small interposed peak is dropped');
  assert.ok(near(full.at), 'the full-size interposed beat (an interpolated ectopic beat) is kept');
  assert.equal(found.length, beats.length + 1);
  // The training set's noisy copies ask the detector to keep it: it becomes a Q example there.
  const kept = Array.from(
    detectQrsPeaks({ ...feature(42, [...beats, small, full]), keepInterposedNoise: true }),
  );
  assert.ok(
    kept.some((f) => Math.abs(f - small.at) <= 2),
    'kept when asked',
  );
  assert.equal(kept.length, beats.length + 2);
});

test('a small early beat followed by a pause (a premature beat with its compensatory pause) is kept', () => {
  const at: number[] = [];
  for (let t = 60, k = 0; k < 40; k++) {
    at.push(t);
    t += k === 20 ? Math.round(0.5 * RR) : k === 21 ? Math.round(1.5 * RR) + 20 : RR;
  }
  const peaks = at.map((a, k) => ({ at: a, height: k === 21 ? 4 : 10 }));
  const found = Array.from(detectQrsPeaks(feature(45, peaks)));
  assert.equal(found.length, at.length, 'every beat found: its neighbours are not one RR apart');
});
