/**
 * The whole report on awkward records: no beats, one class only, nothing analysable, 10 minutes
 * long. Each still gives a valid report (the schema parses it) whose notes say what is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HolterReportSchema } from '@holterflow/contracts';
import { analyseHolter } from '@holterflow/report';
import { build } from './sequences.js';

const FS = 250;

test('no beats: a valid report with zero counts, no rates, and a note saying so', () => {
  const { report } = analyseHolter({
    fs: FS,
    numSamples: FS * 3600,
    samples: [],
    classes: [],
    unanalysable: [],
  });
  HolterReportSchema.parse(report);
  assert.equal(report.beats.total, 0);
  assert.equal(report.heartRate.meanBpm, null);
  assert.equal(report.hrv.sdnnMs, null);
  assert.equal(report.atrialFibrillation.burdenPercent, 0);
  assert.equal(report.hourly.length, 1);
  assert.ok(
    report.notes.some((n) => n.startsWith('No beats were detected')),
    report.notes.join(' | '),
  );
});

test('all unanalysable: analysable time 0, AF burden not a number, the note says unanalysable and why', () => {
  const { report } = analyseHolter({
    fs: FS,
    numSamples: FS * 600,
    samples: [],
    classes: [],
    unanalysable: [
      { start: 0, end: FS * 540, reason: 'noise' },
      { start: FS * 540, end: FS * 600, reason: 'flat' },
    ],
  });
  HolterReportSchema.parse(report);
  assert.equal(report.recording.analysableSeconds, 0);
  assert.equal(report.recording.unanalysableSeconds, 600);
  assert.equal(report.atrialFibrillation.burdenPercent, null);
  assert.ok(
    report.notes.includes(
      'Unanalysable: no lead is readable anywhere in the recording (noise with no recognisable QRS complexes 540 s, a flat signal (no electrical activity: a lead off or a constant value) 60 s); no beat is reported and no figure is available.',
    ),
    report.notes.join(' | '),
  );
  assert.ok(!report.notes.some((n) => n.startsWith('No beats were detected')));
});

test('one class only: every figure of the others is zero and the note names the class', () => {
  const { report } = analyseHolter(build('N'.repeat(900), 0.8).seq);
  HolterReportSchema.parse(report);
  assert.deepEqual(report.beats.classCounts, { N: 900, S: 0, V: 0, F: 0, Q: 0 });
  assert.equal(report.ventricular.beats, 0);
  assert.equal(report.ventricular.runs.longest, null);
  assert.ok(report.notes.includes('Every beat is of class N.'));
});

test('10 minutes long: heart rate and HRV computed, one partial hour, stated', () => {
  const rr = Array.from({ length: 750 }, (_, i) => (i === 0 ? 0 : 0.8 + 0.03 * Math.sin(i / 3)));
  const { report } = analyseHolter(
    build('N'.repeat(750), rr, { startS: 0, tailS: 600 - rr.reduce((a, b) => a + b, 0) }).seq,
  );
  HolterReportSchema.parse(report);
  assert.ok(Math.abs(report.recording.durationSeconds - 600) < 0.01);
  assert.equal(report.hourly.length, 1);
  assert.ok(report.heartRate.meanBpm !== null && Math.abs(report.heartRate.meanBpm - 75) < 1);
  assert.equal(report.hrv.spectralSegments, 2);
  assert.ok(
    report.notes.some((n) => n.includes('10.0 min long')),
    report.notes.join(' | '),
  );
});

test('the hourly table puts beats, runs and pauses in their hour', () => {
  // 2 h at 1 s, a V triplet in hour 0 and a 2.5 s pause in hour 1.
  const n = 7200;
  const classes = Array.from({ length: n }, (_, i) => (i >= 100 && i < 103 ? 'V' : 'N')).join('');
  const rr = Array.from({ length: n }, (_, i) => (i === 0 ? 0 : i === 5000 ? 2.5 : 1));
  const { report } = analyseHolter(build(classes, rr, { startS: 0 }).seq);
  assert.equal(report.hourly.length, 3);
  assert.equal(report.hourly[0].vRuns, 1);
  assert.equal(report.hourly[0].classCounts.V, 3);
  assert.equal(report.hourly[1].pauses, 1);
  assert.equal(report.hourly[0].beats + report.hourly[1].beats + report.hourly[2].beats, n);
  assert.equal(report.ventricular.triplets, 1);
  assert.equal(report.pauses.count, 1);
});
