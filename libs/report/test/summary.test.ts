import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordSummarySchema } from '@holterflow/contracts';
import { summarizeRecord } from '@holterflow/report';

test('class counts, burden, mean heart rate and unreadable seconds of a record', () => {
  // Beats 0.75 s apart on average (80 bpm); one interval crosses the unreadable stretch 3600-5400.
  const samples = [360, 648, 864, 1170, 6000, 6252, 6540, 6810];
  const summary = summarizeRecord({
    runId: 'r1',
    recordId: '100',
    modelVersion: 'v1',
    fs: 360,
    numSamples: 360 * 1800,
    samples,
    classes: ['N', 'N', 'V', 'N', 'S', 'N', 'N', 'N'],
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
  // Known intervals (ms): 800, 600, 850, 700, 800, 750 -> mean 750 ms.
  assert.equal(summary.meanHeartRateBpm, 80);
  assert.equal(summary.unreadableSeconds, 6);
  assert.equal(summary.holter?.recording.unanalysableStretches, 2);
  assert.equal(summary.holter?.beats.burdenPercent.V, 12.5);
});
