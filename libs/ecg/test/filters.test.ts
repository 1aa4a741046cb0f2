import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BEAT_FS,
  CLEANING_FILTER,
  butterworthHighpass,
  butterworthLowpass,
  createResampler,
  filterZeroPhase,
  magnitudeResponse,
} from '@holterflow/ecg';

const dB = (gain: number): number => 20 * Math.log10(gain);
/** Zero-phase filtering squares the magnitude response. */
const cleaningDb = (f: number): number => dB(magnitudeResponse(CLEANING_FILTER, f, BEAT_FS) ** 2);

test('Butterworth sections are -3 dB at their cut-off', () => {
  assert.ok(Math.abs(dB(magnitudeResponse(butterworthLowpass(40, 125, 4), 40, 125)) + 3.01) < 0.05);
  assert.ok(Math.abs(dB(magnitudeResponse(butterworthHighpass(0.5, 125, 2), 0.5, 125)) + 3.01) < 0.05);
  assert.throws(() => butterworthLowpass(70, 125), /cut-off/);
  assert.throws(() => butterworthLowpass(20, 125, 3), /even/);
});

test('cleaning filter: flat 1–30 Hz, removes baseline wander and powerline', () => {
  for (const f of [1, 5, 10, 15, 20, 30])
    assert.ok(cleaningDb(f) > -0.6, `${f} Hz: ${cleaningDb(f).toFixed(2)} dB`);
  assert.ok(cleaningDb(0.1) < -50, 'respiration-band baseline wander (0.1 Hz)');
  assert.ok(cleaningDb(0.25) < -20);
  assert.ok(cleaningDb(50) < -40, '50 Hz mains');
  assert.ok(cleaningDb(60) < -100, '60 Hz mains');
});

test('zero-phase filtering does not move a peak and removes an offset', () => {
  const x = new Float32Array(2000).fill(3);
  x[1000] += 1;
  const y = filterZeroPhase(CLEANING_FILTER, x);
  let best = 0;
  for (let i = 1; i < y.length; i++) if (y[i] > y[best]) best = i;
  assert.equal(best, 1000);
  assert.ok(Math.abs(y[500]) < 0.01 && Math.abs(y[1500]) < 0.01, 'DC offset of 3 mV removed');
});

/** Resample a tone from `fs` to 125 Hz; returns the worst error against the exact tone (middle part). */
function toneError(fs: number, hz: number, amplitude = 1): { maxError: number; rms: number } {
  const n = fs * 20;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / fs);
  const r = createResampler(fs, BEAT_FS);
  const count = Math.floor((n * BEAT_FS) / fs);
  const y = r.run(x, 0, 0, count);
  let maxError = 0;
  let sq = 0;
  let m = 0;
  for (let k = 2 * BEAT_FS; k < count - 2 * BEAT_FS; k++) {
    maxError = Math.max(maxError, Math.abs(y[k] - amplitude * Math.sin((2 * Math.PI * hz * k) / BEAT_FS)));
    sq += y[k] * y[k];
    m++;
  }
  return { maxError, rms: Math.sqrt(sq / m) };
}

for (const fs of [128, 250, 256, 360, 500, 1000]) {
  test(`resampling ${fs} Hz → 125 Hz keeps the ECG band and stops aliasing`, () => {
    for (const hz of [1, 10, 25]) {
      const { maxError } = toneError(fs, hz);
      assert.ok(maxError < 0.02, `${hz} Hz tone off by ${maxError.toFixed(4)}`);
    }
    if (fs >= 250) {
      // 110 Hz would fold to 15 Hz, in the middle of the QRS band.
      const { rms } = toneError(fs, 110);
      assert.ok(rms < 0.01, `110 Hz leaks ${rms.toFixed(4)} (of 0.707)`);
    }
  });
}

test('resampling a slice gives exactly the samples of the whole-record pass', () => {
  const fs = 360;
  const x = new Float32Array(fs * 60);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.05) + 0.3 * Math.sin(i * 0.31);
  const r = createResampler(fs, BEAT_FS);
  const whole = r.run(x, 0, 0, Math.floor((x.length * BEAT_FS) / fs));
  const offset = 7777;
  const slice = x.subarray(offset, offset + fs * 20);
  const first = r.firstOutputAtOrAfter(offset + 100);
  const part = r.run(slice, offset, first, 2000);
  assert.deepEqual(part, whole.subarray(first, first + 2000));
  const constant = r.run(new Float32Array(1000).fill(2.5), 0, 0, 300);
  assert.ok(
    constant.every((v) => Math.abs(v - 2.5) < 1e-6),
    'a constant stays constant',
  );
});

test('nativeReach covers every native sample the outputs are summed from', () => {
  for (const fs of [360, 250, 128, 1000, 360.001]) {
    const r = createResampler(fs, BEAT_FS);
    const offset = 5000;
    const x = new Float32Array(4000).fill(1);
    const firstOut = r.firstOutputAtOrAfter(offset + 1000);
    const count = 7;
    const { from, to } = r.nativeReach(firstOut, count);
    assert.ok(to - from < count * (fs / BEAT_FS) + 2 * r.halfTaps + 8, `reach ${from}–${to} is tight`);
    let influencing = 0;
    for (let i = 0; i < x.length; i++) {
      x[i] = Number.NaN;
      const hit = r.run(x, offset, firstOut, count).some(Number.isNaN);
      x[i] = 1;
      if (!hit) continue;
      influencing++;
      assert.ok(
        offset + i >= from && offset + i < to,
        `${fs} Hz: sample ${offset + i} outside ${from}–${to}`,
      );
    }
    assert.ok(influencing >= count, `${fs} Hz: ${influencing} influencing samples`);
  }
});
