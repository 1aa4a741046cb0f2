import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordSummarySchema } from '@holterflow/contracts';
import { meanHeartRateBpm, summarizeRecord } from '@holterflow/report';

test('class counts, burden, mean heart rate and unreadable seconds of a record', () => {
  const summary = summarizeRecord({
    runId: 'r1',
    recordId: '100',
    modelVersion: 'v1',
    fs: 360,
    numSamples: 360 * 1800,
    classes: ['N', 'N', 'V', 'N', 'S', 'N', 'N', 'N'],
    // 750 ms on average over the known intervals: 80 bpm; NaN (no previous beat, a gap) is skipped.
    rrPrevMs: [NaN, 800, 600, 850, NaN, 700, 800, 750],
    // The second and third are one noisy stretch cut by a window edge at 36 180.
    unreadable: [
      { start: 3600, end: 5400, reason: 'flat' },
      { start: 36000, end: 36180, reason: 'noise' },
      { start: 36180, end: 36360, reason: 'noise' },
    ],
  });
  assert.deepEqual(RecordSummarySchema.parse(summary), summary);
  assert.equal(summary.durationSeconds, 1800);
  assert.equal(summary.beats, 8);
  assert.deepEqual(summary.classCounts, { N: 6, S: 1, V: 1, F: 0, Q: 0 });
  assert.deepEqual(summary.burden, { N: 0.75, S: 0.125, V: 0.125, F: 0, Q: 0 });
  assert.equal(summary.meanHeartRateBpm, 80);
  assert.equal(summary.unreadableSeconds, 6);
  assert.deepEqual(summary.unanalysable, [
    { startS: 10, endS: 15, reason: 'flat' },
    { startS: 100, endS: 101, reason: 'noise' },
  ]);
});

test('a summary.json written before the stretches were listed still reads (none listed)', () => {
  const { unanalysable: _, ...old } = summarizeRecord({
    runId: 'r1',
    recordId: '100',
    modelVersion: 'v1',
    fs: 360,
    numSamples: 3600,
    classes: [],
    rrPrevMs: [],
    unreadable: [],
  });
  assert.deepEqual(RecordSummarySchema.parse(old).unanalysable, []);
});

test('a record without beats has zero burden and no heart rate', () => {
  const summary = summarizeRecord({
    runId: 'r1',
    recordId: 'flat',
    modelVersion: 'v1',
    fs: 250,
    numSamples: 2500,
    classes: [],
    rrPrevMs: [],
    unreadable: [{ start: 0, end: 2500, reason: 'flat' }],
  });
  assert.equal(summary.beats, 0);
  assert.deepEqual(summary.burden, { N: 0, S: 0, V: 0, F: 0, Q: 0 });
  assert.equal(summary.meanHeartRateBpm, null);
  assert.equal(summary.unreadableSeconds, 10);
  assert.equal(meanHeartRateBpm([NaN, 0, -5]), null);
});
