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
    unreadable: [
      { start: 3600, end: 5400 },
      { start: 36000, end: 36360 },
    ],
  });
  assert.deepEqual(RecordSummarySchema.parse(summary), summary);
  assert.equal(summary.durationSeconds, 1800);
  assert.equal(summary.beats, 8);
  assert.deepEqual(summary.classCounts, { N: 6, S: 1, V: 1, F: 0, Q: 0 });
  assert.deepEqual(summary.burden, { N: 0.75, S: 0.125, V: 0.125, F: 0, Q: 0 });
  assert.equal(summary.meanHeartRateBpm, 80);
  assert.equal(summary.unreadableSeconds, 6);
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
    unreadable: [{ start: 0, end: 2500 }],
  });
  assert.equal(summary.beats, 0);
  assert.deepEqual(summary.burden, { N: 0, S: 0, V: 0, F: 0, Q: 0 });
  assert.equal(summary.meanHeartRateBpm, null);
  assert.equal(summary.unreadableSeconds, 10);
  assert.equal(meanHeartRateBpm([NaN, 0, -5]), null);
});
