import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordSummarySchema } from '@holterflow/contracts';
import {
  meanRateBpm,
  prepareSequence,
  readRunSummaryCounts,
  runSummaryParquet,
  summarizeRecord,
} from '@holterflow/report';

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
  // Known intervals (ms): 800, 600, 850, 700, 800, 750 -> mean 750 ms.
  assert.equal(summary.meanHeartRateBpm, 80);
  assert.equal(summary.unreadableSeconds, 6);
  assert.equal(summary.holter?.recording.unanalysableStretches, 2);
  assert.equal(summary.holter?.beats.burdenPercent.V, 12.5);
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
    samples: [],
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
    samples: [],
    unreadable: [{ start: 0, end: 2500, reason: 'flat' }],
  });
  assert.equal(summary.beats, 0);
  assert.deepEqual(summary.burden, { N: 0, S: 0, V: 0, F: 0, Q: 0 });
  assert.equal(summary.meanHeartRateBpm, null);
  assert.equal(summary.unreadableSeconds, 10);
  // Intervals are unknown (NaN) across an unreadable stretch and skipped: no known interval, no rate.
  const acrossGap = prepareSequence({
    fs: 250,
    numSamples: 2500,
    samples: [100, 2000],
    classes: ['N', 'N'],
    unanalysable: [{ start: 500, end: 1000 }],
  });
  assert.ok(Number.isNaN(acrossGap.rrS[1]));
  assert.equal(meanRateBpm(acrossGap), null);
});

test("a 'noise' stretch is unanalysable in the Holter report: no analysable time, no pause across it", () => {
  // 1 s beats over 60 s at 250 Hz, with 20–30 s missing: 10 s without beats, inside a noise stretch.
  const samples = Array.from({ length: 61 }, (_, i) => i * 250).filter((s) => s <= 20 * 250 || s >= 30 * 250);
  const base = {
    runId: 'r1',
    recordId: 'noisy',
    modelVersion: 'v1',
    fs: 250,
    numSamples: 61 * 250,
    samples,
    classes: samples.map(() => 'N' as const),
  };
  const noisy = summarizeRecord({
    ...base,
    unreadable: [{ start: 20 * 250 + 50, end: 30 * 250 - 50, reason: 'noise' }],
  });
  assert.equal(noisy.holter?.recording.analysableSeconds, 61 - 9.6);
  assert.equal(noisy.holter?.recording.unanalysableStretches, 1);
  assert.equal(noisy.holter?.pauses.count, 0);
  assert.deepEqual(noisy.unanalysable, [{ startS: 20.2, endS: 29.8, reason: 'noise' }]);
  // The same beats with the stretch readable: the 10 s without beats is a pause.
  const clean = summarizeRecord({ ...base, unreadable: [] });
  assert.equal(clean.holter?.recording.analysableSeconds, 61);
  assert.equal(clean.holter?.pauses.count, 1);
});

test("summary.parquet reads back each record's beats and class counts; failed rows have none", async () => {
  const summary = summarizeRecord({
    runId: 'r1',
    recordId: '100',
    modelVersion: 'v1',
    fs: 360,
    numSamples: 360 * 60,
    samples: [360, 648, 864, 1170],
    classes: ['N', 'V', 'N', 'S'],
    unreadable: [],
  });
  const parquet = runSummaryParquet([
    { recordId: '100', status: 'complete', error: null, summary },
    { recordId: '101', status: 'failed', error: 'no usable lead', summary: null },
  ]);
  assert.deepEqual(await readRunSummaryCounts(parquet), [
    { recordId: '100', status: 'complete', beats: 4, classCounts: { N: 2, S: 1, V: 1, F: 0, Q: 0 } },
    { recordId: '101', status: 'failed', beats: null, classCounts: null },
  ]);
});
