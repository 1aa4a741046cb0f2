/**
 * "No beat lost or doubled, results independent of the window size": windows of 300, 600 and
 * 1800 s, each read with WINDOW_MARGIN_SECONDS on both sides as the classify worker reads them,
 * must own exactly the beats of one whole-record pass — sample, 187-sample cut and RR features —
 * at 128 Hz and 360 Hz, on clean signal and with Noise Stress Test noise (from minute 5, 2 min
 * on / 2 min off). Before the detector decided per record-anchored epoch, 600 s windows at 128 Hz
 * with noise gave extra beats wherever a window's slice started inside a noisy stretch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseBeats, primaryLeadOf, synthesiseNoise, WINDOW_MARGIN_SECONDS } from '@holterflow/ecg';
import { fixtureAt, withNoise, type TestRecording } from './recorders.js';

const WINDOWS_S = [300, 600, 1800];

function assertWindowInvariant(rec: TestRecording, label: string): void {
  const { fs, signals } = rec;
  const primaryLead = primaryLeadOf(rec.leads);
  const whole = analyseBeats(signals, fs, { primaryLead });
  const n = signals[0].length;
  const margin = WINDOW_MARGIN_SECONDS * fs;
  for (const seconds of WINDOWS_S) {
    const size = seconds * fs;
    let seen = 0;
    const unreadable: { start: number; end: number; reason: string }[] = [];
    for (let start = 0; start < n; start += size) {
      const end = Math.min(n, start + size);
      const from = Math.max(0, start - margin);
      const to = Math.min(n, end + margin);
      const part = analyseBeats(
        signals.map((s) => s.subarray(from, to)),
        fs,
        { offset: from, ownedStart: start, ownedEnd: end, primaryLead },
      );
      const k = part.beats.samples.length;
      const at = `${label}, ${seconds} s window at ${start / fs} s`;
      assert.deepEqual(part.beats.samples, whole.beats.samples.subarray(seen, seen + k), at);
      assert.deepEqual(part.beats.x, whole.beats.x.subarray(seen * 187, (seen + k) * 187), at);
      // segment.ts's RR features reach five beats either way whatever the distance: across a
      // stretch marked unanalysable that is longer than the margin they cannot match (the
      // pipeline's merge recomputes RR across windows, NaN across such stretches).
      if (whole.unreadable.length === 0) {
        assert.deepEqual(part.beats.rrPrevMs, whole.beats.rrPrevMs.subarray(seen, seen + k), at);
        assert.deepEqual(part.beats.rrLocalMs, whole.beats.rrLocalMs.subarray(seen, seen + k), at);
      }
      seen += k;
      for (const u of part.unreadable) {
        const last = unreadable[unreadable.length - 1];
        if (last && last.end === u.start && last.reason === u.reason) last.end = u.end;
        else unreadable.push({ ...u });
      }
    }
    assert.equal(seen, whole.beats.samples.length, `${label}, ${seconds} s: no beat lost or doubled`);
    assert.deepEqual(unreadable, whole.unreadable, `${label}, ${seconds} s: the same unanalysable stretches`);
  }
}

for (const fs of [128, 360]) {
  for (const id of ['105', '208']) {
    test(`windows of 300/600/1800 s own the whole-record beats: ${id} at ${fs} Hz, clean`, () => {
      assertWindowInvariant(fixtureAt(id, fs), `${id} ${fs} Hz clean`);
    });
    for (const snr of [6, 0]) {
      test(`windows of 300/600/1800 s own the whole-record beats: ${id} at ${fs} Hz, ${snr} dB noise`, () => {
        assertWindowInvariant(withNoise(fixtureAt(id, fs), snr), `${id} ${fs} Hz ${snr} dB`);
      });
    }
  }
}

test('windows own the whole-record beats where both leads turn to pure electrode-motion noise across window edges (128 Hz)', () => {
  // The twin index (template-quality.ts) reads beats ±35 s around a block: its verdicts must not
  // depend on where a window's slice starts. Noise replaces 208 from 250 to 420 s and 580 to
  // 700 s (over the 300 and 600 s window edges), at ECG amplitude, no ECG under it.
  const rec = fixtureAt('208', 128);
  const signals = rec.signals.map((s, lead) => {
    const out = s.slice();
    const noise = synthesiseNoise('em', s.length, rec.fs, 7 + lead);
    for (const [from, to] of [
      [250, 420],
      [580, 700],
    ])
      for (let i = from * rec.fs; i < to * rec.fs; i++) out[i] = 0.35 * noise[i];
    return out;
  });
  const { unreadable } = analyseBeats(signals, rec.fs, { primaryLead: primaryLeadOf(rec.leads) });
  const marked = unreadable.reduce((sum, u) => sum + u.end - u.start, 0) / rec.fs;
  assert.ok(marked >= 250, `the noise is marked (${marked} s of 290 s)`); // the verdicts are exercised
  assertWindowInvariant({ ...rec, signals }, '208 128 Hz with pure noise');
});
