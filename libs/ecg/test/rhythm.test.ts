import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readWfdbRecord } from '@holterflow/formats';
import {
  BEAT_LENGTH,
  RHYTHM_CONTEXT_SECONDS,
  RHYTHM_SCALAR_COUNT,
  RHYTHM_SCALAR_FEATURES,
  WINDOW_MARGIN_SECONDS,
  analyseBeats,
  primaryLeadOf,
  rhythmFeatures,
  type BeatTable,
} from '@holterflow/ecg';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/mitdb/', import.meta.url));
const feature = (name: (typeof RHYTHM_SCALAR_FEATURES)[number]) => RHYTHM_SCALAR_FEATURES.indexOf(name);

/** A hand-built beat table: 1 beat per second (fs 100), every 10th beat 30 % premature. */
function table(n: number): BeatTable {
  const fs = 100;
  const samples = new Int32Array(n);
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += i % 10 === 5 ? 70 : i % 10 === 6 ? 130 : 100;
    samples[i] = t;
  }
  const x = new Float32Array(n * BEAT_LENGTH);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < BEAT_LENGTH; k++) x[i * BEAT_LENGTH + k] = ((i * 7 + k * 3) % 11) / 11;
  const rrPrevMs = Float32Array.from(samples, (s, i) => (i ? (s - samples[i - 1]) * (1000 / fs) : 1000));
  const rrNextMs = Float32Array.from(samples, (s, i) =>
    i < n - 1 ? (samples[i + 1] - s) * (1000 / fs) : 1000,
  );
  return { samples, x, rrPrevMs, rrNextMs, rrLocalMs: new Float32Array(n).fill(1000) };
}

test('the baseline is the context mean RR; a premature beat is short against it and its predecessor', () => {
  const beats = table(1000);
  const { scalars } = rhythmFeatures(beats, 100);
  const at = (b: number, f: Parameters<typeof feature>[0]) => scalars[b * RHYTHM_SCALAR_COUNT + feature(f)];
  // Beat 505 is premature (RR 700 ms); the context of ±150 s averages exactly 1 s per beat.
  assert.ok(Math.abs(at(505, 'rr_base_s') - 1) < 0.01, `baseline ${at(505, 'rr_base_s')}`);
  assert.ok(Math.abs(at(505, 'rr_prev_over_base') - 0.7) < 0.01);
  assert.ok(Math.abs(at(505, 'rr_prev_over_previous') - 0.7) < 1e-6);
  assert.ok(Math.abs(at(506, 'rr_prev_over_previous') - 130 / 70) < 1e-5, 'the compensatory cycle');
  assert.ok(Math.abs(at(504, 'rr_prev_over_base') - 1) < 0.01);
  // A regular rhythm with one premature beat per ten is regular by the median successive difference.
  assert.ok(at(503, 'rr_irregularity') < 0.05, `irregularity ${at(503, 'rr_irregularity')}`);
});

test('the template is the mean cut of the regular beats in the context, the beat itself left out', () => {
  const beats = table(600);
  const fs = 100;
  const { template } = rhythmFeatures(beats, fs);
  for (const b of [0, 17, 300, 505, 599]) {
    const sum = new Float64Array(BEAT_LENGTH);
    let count = 0;
    for (let j = 0; j < 600; j++) {
      if (j === b || Math.abs(beats.samples[j] - beats.samples[b]) > RHYTHM_CONTEXT_SECONDS * fs) continue;
      if (!(beats.rrPrevMs[j] >= 0.9 * beats.rrLocalMs[j])) continue;
      count++;
      for (let k = 0; k < BEAT_LENGTH; k++) sum[k] += Math.round(beats.x[j * BEAT_LENGTH + k] * 1024) / 1024;
    }
    for (let k = 0; k < BEAT_LENGTH; k++)
      assert.ok(Math.abs(template[b * BEAT_LENGTH + k] - sum[k] / count) < 1e-6, `beat ${b} sample ${k}`);
  }
});

test('rhythm features of a window with margins equal a whole-record pass, bit for bit (MIT-BIH 119, 232)', () => {
  for (const id of ['119', '232']) {
    const rec = readWfdbRecord(`${FIXTURES}${id}.hea`);
    const primaryLead = primaryLeadOf(rec.leads);
    const whole = analyseBeats(rec.signals, rec.fs, { primaryLead, contextSeconds: RHYTHM_CONTEXT_SECONDS });
    assert.ok(whole.rhythm, 'features computed');
    const n = rec.signals[0].length;
    const margin = (WINDOW_MARGIN_SECONDS + RHYTHM_CONTEXT_SECONDS) * rec.fs;
    for (const seconds of [300, 600]) {
      const size = seconds * rec.fs;
      const parts = {
        samples: [] as Int32Array[],
        scalars: [] as Float32Array[],
        template: [] as Float32Array[],
      };
      for (let start = 0; start < n; start += size) {
        const end = Math.min(n, start + size);
        const offset = Math.max(0, start - margin);
        const slice = rec.signals.map((s) => s.subarray(offset, Math.min(n, end + margin)));
        const w = analyseBeats(slice, rec.fs, {
          offset,
          ownedStart: start,
          ownedEnd: end,
          primaryLead,
          contextSeconds: RHYTHM_CONTEXT_SECONDS,
        });
        parts.samples.push(w.beats.samples);
        parts.scalars.push(w.rhythm!.scalars);
        parts.template.push(w.rhythm!.template);
      }
      assert.deepEqual(
        concat(parts.samples, Int32Array),
        whole.beats.samples,
        `${id}: beats, ${seconds} s windows`,
      );
      assert.deepEqual(
        concat(parts.scalars, Float32Array),
        whole.rhythm.scalars,
        `${id}: scalars, ${seconds} s windows`,
      );
      assert.deepEqual(
        concat(parts.template, Float32Array),
        whole.rhythm.template,
        `${id}: templates, ${seconds} s windows`,
      );
    }
  }
});

function concat<T extends Int32Array | Float32Array>(parts: T[], make: new (n: number) => T): T {
  const out = new make(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

test('a table of one beat, or none, gets features without failing', () => {
  assert.equal(rhythmFeatures(table(0), 100).scalars.length, 0);
  const one = rhythmFeatures(table(1), 100);
  assert.equal(one.scalars.length, RHYTHM_SCALAR_COUNT);
  assert.ok(one.scalars.every(Number.isFinite));
});
