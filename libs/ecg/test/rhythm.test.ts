import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BEAT_LENGTH,
  RHYTHM_1_FEATURES,
  RHYTHM_CONTEXT_SECONDS,
  RHYTHM_SCALAR_COUNT,
  RHYTHM_SCALAR_FEATURES,
  WINDOW_MARGIN_SECONDS,
  analyseBeats,
  primaryLeadOf,
  rhythmFeatures,
  secondLeadOf,
  selectRhythmScalars,
  SeededRandom,
  type BeatTable,
} from '@holterflow/ecg';
import { fixtureAt, type TestRecording } from './recorders.js';

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

/** Windows read with the classify worker's margins own exactly the whole-record pass's features. */
function assertRhythmWindowInvariant(rec: TestRecording, label: string, windows: number[]): void {
  const primaryLead = primaryLeadOf(rec.leads);
  // The second lead too: its cuts and template features must not depend on the window either.
  const secondLead = secondLeadOf(rec.signals.length, primaryLead);
  const whole = analyseBeats(rec.signals, rec.fs, {
    primaryLead,
    secondLead,
    contextSeconds: RHYTHM_CONTEXT_SECONDS,
  });
  assert.ok(whole.rhythm, 'features computed');
  assert.ok(whole.beats.x2, 'the second lead is cut');
  const lead2 = feature('lead2_template_rms_difference');
  const lead1 = feature('template_rms_difference');
  const differing = whole.beats.samples.filter(
    (_, b) =>
      whole.rhythm!.scalars[b * RHYTHM_SCALAR_COUNT + lead2] !==
      whole.rhythm!.scalars[b * RHYTHM_SCALAR_COUNT + lead1],
  ).length;
  assert.ok(differing > whole.beats.samples.length / 2, `${label}: the second lead's features are its own`);
  const n = rec.signals[0].length;
  const margin = (WINDOW_MARGIN_SECONDS + RHYTHM_CONTEXT_SECONDS) * rec.fs;
  for (const seconds of windows) {
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
        secondLead,
        contextSeconds: RHYTHM_CONTEXT_SECONDS,
      });
      parts.samples.push(w.beats.samples);
      parts.scalars.push(w.rhythm!.scalars);
      parts.template.push(w.rhythm!.template);
    }
    const at = `${label}, ${seconds} s windows`;
    assert.deepEqual(concat(parts.samples, Int32Array), whole.beats.samples, `${at}: beats`);
    assert.deepEqual(concat(parts.scalars, Float32Array), whole.rhythm.scalars, `${at}: scalars`);
    assert.deepEqual(concat(parts.template, Float32Array), whole.rhythm.template, `${at}: templates`);
  }
}

test('rhythm features of a window with margins equal a whole-record pass, bit for bit (MIT-BIH 119, 232)', () => {
  for (const id of ['119', '232']) assertRhythmWindowInvariant(fixtureAt(id), id, [300, 600]);
});

test('the same at 128 and 250 Hz, with the leads renamed (MIT-BIH 232 resampled)', () => {
  for (const fs of [128, 250]) {
    const rec = fixtureAt('232', fs);
    assertRhythmWindowInvariant({ ...rec, leads: ['ECG1', 'ECG2'] }, `232 at ${fs} Hz`, [600]);
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

test("the second lead's template features: a beat that differs there only stands out there; with one lead they repeat the first's", () => {
  const beats = table(400);
  // The second lead shows every beat alike, except beat 200 (a V beat that MLII shows as usual).
  const x2 = beats.x.map((_, i) => ((i % BEAT_LENGTH) % 13) / 13);
  for (let k = 0; k < BEAT_LENGTH; k++) x2[200 * BEAT_LENGTH + k] = k < 40 ? 0.9 : 0.1;
  const two = rhythmFeatures({ ...beats, x2 }, 100).scalars;
  const one = rhythmFeatures(beats, 100).scalars;
  const at = (s: Float32Array, b: number, f: Parameters<typeof feature>[0]) =>
    s[b * RHYTHM_SCALAR_COUNT + feature(f)];
  assert.ok(
    at(two, 200, 'lead2_template_rms_difference') > 0.2,
    `${at(two, 200, 'lead2_template_rms_difference')}`,
  );
  assert.ok(
    at(two, 200, 'lead2_template_rms_difference') > 3 * at(two, 199, 'lead2_template_rms_difference'),
  );
  assert.equal(at(two, 200, 'template_rms_difference'), at(one, 200, 'template_rms_difference'));
  for (const b of [0, 200, 399])
    for (const [second, first] of [
      ['lead2_template_correlation', 'template_correlation'],
      ['lead2_template_rms_difference', 'template_rms_difference'],
      ['lead2_template_max_difference', 'template_max_difference'],
    ] as const)
      assert.equal(at(one, b, second), at(one, b, first), `one lead, beat ${b}: ${second}`);
});

test('a table of one beat, or none, gets features without failing', () => {
  assert.equal(rhythmFeatures(table(0), 100).scalars.length, 0);
  const one = rhythmFeatures(table(1), 100);
  assert.equal(one.scalars.length, RHYTHM_SCALAR_COUNT);
  assert.ok(one.scalars.every(Number.isFinite));
});

/**
 * fs 125 (record samples are cut samples): 1 beat per second, every 10th beat 30 % premature
 * without a P wave; each cut (150 samples, 1.2 × the period) holds the next beat's P wave as a
 * bump 15–5 samples before the next R-peak when that beat is a sinus one. Beat 700 comes after a
 * 1.6 s pause, longer than the previous cut.
 */
function pTable(n: number): BeatTable {
  const samples = new Int32Array(n);
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += i % 10 === 5 ? 88 : i % 10 === 6 ? 162 : i === 700 ? 200 : 125;
    samples[i] = t;
  }
  const x = new Float32Array(n * BEAT_LENGTH);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 150; k++) x[i * BEAT_LENGTH + k] = 0.3 + (k < 10 ? 0.5 - k / 20 : 0);
    if (i + 1 < n && (i + 1) % 10 !== 5) {
      const d = samples[i + 1] - samples[i];
      for (let k = d - 15; k < d - 5 && k < 150; k++) x[i * BEAT_LENGTH + k] = 0.6;
    }
  }
  const rr = Float32Array.from(samples, (s, i) => (i ? (s - samples[i - 1]) * 8 : 1000));
  const next = Float32Array.from(samples, (s, i) => (i < n - 1 ? (samples[i + 1] - s) * 8 : 1000));
  return { samples, x, rrPrevMs: rr, rrNextMs: next, rrLocalMs: new Float32Array(n).fill(1000) };
}

test('the P wave against the patient template: a premature beat without one differs, a sinus beat does not; a pause is "as usual"', () => {
  const beats = pTable(800);
  const { scalars } = rhythmFeatures(beats, 125);
  const at = (b: number, f: Parameters<typeof feature>[0]) => scalars[b * RHYTHM_SCALAR_COUNT + feature(f)];
  // Sinus beats 504 and 506 (the compensatory cycle) match their template; premature 505 has no bump.
  for (const b of [504, 506]) {
    assert.ok(
      at(b, 'pre_template_rms_difference') < 0.01,
      `beat ${b}: ${at(b, 'pre_template_rms_difference')}`,
    );
    assert.ok(Math.abs(at(b, 'pre_energy_over_template') - 1) < 0.01);
  }
  assert.ok(at(505, 'pre_template_rms_difference') > 0.1, `${at(505, 'pre_template_rms_difference')}`);
  assert.equal(at(505, 'pre_energy_over_template'), 0);
  // After the pause the stretch is not in the previous cut: neutral values.
  assert.equal(at(700, 'pre_template_correlation'), 1);
  assert.equal(at(700, 'pre_template_rms_difference'), 0);
  assert.equal(at(700, 'pre_energy_over_template'), 1);
  // Absolute intervals in seconds beside the ratios.
  assert.ok(Math.abs(at(504, 'rr_next_s') - 0.704) < 1e-6);
  assert.ok(Math.abs(at(504, 'rr_local_s') - 1) < 1e-6);
  // The QRS part of the same cut as the template: no difference, the same slope.
  assert.ok(at(504, 'qrs_rms_difference') < 1e-3);
  assert.ok(Math.abs(at(504, 'qrs_slope_over_template') - 1) < 1e-3);
});

test('selectRhythmScalars: a model reads its own columns by name; holterflow-rhythm-1 columns come first', () => {
  const beats = table(50);
  const { scalars } = rhythmFeatures(beats, 100);
  assert.deepEqual(RHYTHM_SCALAR_FEATURES.slice(0, RHYTHM_1_FEATURES.length), RHYTHM_1_FEATURES);
  assert.equal(selectRhythmScalars(scalars, 50, RHYTHM_SCALAR_FEATURES), scalars);
  const two = selectRhythmScalars(scalars, 50, ['rr_irregularity', 'rr_prev_s']);
  assert.equal(two.length, 100);
  for (let b = 0; b < 50; b++) {
    assert.equal(two[2 * b], scalars[b * RHYTHM_SCALAR_COUNT + feature('rr_irregularity')]);
    assert.equal(two[2 * b + 1], scalars[b * RHYTHM_SCALAR_COUNT + feature('rr_prev_s')]);
  }
  assert.throws(
    () => selectRhythmScalars(scalars, 50, ['rr_prev_s', 'qt_interval']),
    /qt_interval is not computed/,
  );
  assert.throws(
    () => selectRhythmScalars(scalars, 49, ['rr_prev_s']),
    new RegExp(`49 × ${RHYTHM_SCALAR_COUNT}`),
  );
});

test('AF context (Dash et al.): beats in an irregular rhythm read AF, a regular rhythm with ectopy and the record edges do not', () => {
  const fs = 100;
  const n = 600;
  const random = new SeededRandom(3);
  // Beats 0..299 regular (1 s, every 10th 30 % premature), 300..599 irregular (0.4..1.0 s).
  const samples = new Int32Array(n);
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += i < 300 ? (i % 10 === 5 ? 70 : i % 10 === 6 ? 130 : 100) : Math.round(40 + 60 * random.next());
    samples[i] = t;
  }
  // The AF context reads the R-peak times only; the cuts and RR columns are table()'s.
  const beats = table(n);
  beats.samples.set(samples);
  const { scalars } = rhythmFeatures(beats, fs);
  const at = (b: number, name: (typeof RHYTHM_SCALAR_FEATURES)[number]) =>
    scalars[b * RHYTHM_SCALAR_COUNT + feature(name)];
  for (const b of [100, 150, 200]) {
    assert.equal(at(b, 'af_window'), 0, `regular beat ${b}`);
    assert.ok(at(b, 'af_turning_point_ratio') < 0.54, `regular beat ${b} turning points`);
  }
  for (const b of [450, 500]) {
    assert.equal(at(b, 'af_window'), 1, `irregular beat ${b}`);
    assert.ok(at(b, 'af_nrmssd') > 0.1 && at(b, 'af_entropy') > 0.7, `irregular beat ${b}`);
  }
  // Fewer than 64 intervals on a side: no AF context, whatever the rhythm.
  assert.equal(at(590, 'af_window'), 0);
  assert.equal(at(590, 'af_nrmssd'), 0);
  assert.equal(at(10, 'af_window'), 0);
});
