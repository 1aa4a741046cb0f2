import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordSummarySchema } from '@holterflow/contracts';
import { emptyBeatResults, type BeatResults } from '@holterflow/formats';
import { evaluateRecord } from '../src/pipeline/evaluation.js';
import { mergeParts } from '../src/pipeline/merge-parts.js';
import { runSummaryCsv, summarizeRecord } from '@holterflow/report';

function part(samples: number[], window: number): BeatResults {
  const n = samples.length;
  return {
    samples: Int32Array.from(samples),
    timeS: Float64Array.from(samples, (s) => s / 100),
    classes: samples.map(() => 'N'),
    probabilities: new Float32Array(n * 5),
    // What a window computes with its margins; the merge recomputes them over the record.
    rrPrevMs: new Float32Array(n).fill(-1),
    rrNextMs: new Float32Array(n).fill(-1),
    window: new Int32Array(n).fill(window),
  };
}

test('merge: RR intervals run across window edges, NaN at the ends and across unreadable stretches', () => {
  const merged = mergeParts(
    [
      { results: part([100, 180, 260], 0), unreadable: [] },
      { results: emptyBeatResults(), unreadable: [] },
      { results: part([340, 600, 680], 2), unreadable: [{ start: 400, end: 500, reason: 'flat' }] },
    ],
    100,
  );
  assert.deepEqual([...merged.results.samples], [100, 180, 260, 340, 600, 680]);
  assert.deepEqual([...merged.results.rrPrevMs], [NaN, 800, 800, 800, NaN, 800]);
  assert.deepEqual([...merged.results.rrNextMs], [800, 800, 800, NaN, 800, NaN]);
  assert.deepEqual([...merged.results.window], [0, 0, 0, 2, 2, 2]);
  assert.deepEqual(merged.unreadable, [{ start: 400, end: 500, reason: 'flat' }]);
});

test('merge: parts whose beats overlap (another plan) are refused, not doubled', () => {
  assert.throws(
    () =>
      mergeParts(
        [
          { results: part([100, 200], 0), unreadable: [] },
          { results: part([200, 300], 1), unreadable: [] },
        ],
        100,
      ),
    /parts overlap: beat at sample 200 \(window 1\) follows 200 \(window 0\)/,
  );
});

test('evaluation: EC57 detection and per-class Se/+P, unmatched detections counting against their class', () => {
  const e = evaluateRecord(
    '100',
    360,
    [
      { sample: 100, aami: 'N' },
      { sample: 500, aami: 'V' },
      { sample: 900, aami: 'N' },
    ],
    [102, 505, 1300],
    ['N', 'N', 'V'],
  );
  assert.deepEqual(e.detection, {
    truePositives: 2,
    falseNegatives: 1,
    falsePositives: 1,
    sensitivity: 2 / 3,
    positivePredictivity: 2 / 3,
  });
  assert.deepEqual(e.classes.N, {
    reference: 2,
    truePositives: 1,
    sensitivity: 0.5,
    positivePredictivity: 0.5,
  });
  assert.deepEqual(e.classes.V, { reference: 1, truePositives: 0, sensitivity: 0, positivePredictivity: 0 });
  assert.deepEqual(e.classes.S, {
    reference: 0,
    truePositives: 0,
    sensitivity: null,
    positivePredictivity: null,
  });
  assert.equal(e.confusion[2][0], 1, 'the V beat was called N');
});

test('run summary CSV: one row per record, errors quoted as RFC 4180 asks', () => {
  const summary = RecordSummarySchema.parse({
    runId: 'r',
    recordId: '100',
    modelVersion: 'v1',
    fs: 360,
    durationSeconds: 1805.6,
    beats: 4,
    classCounts: { N: 3, S: 0, V: 1, F: 0, Q: 0 },
    burden: { N: 0.75, S: 0, V: 0.25, F: 0, Q: 0 },
    meanHeartRateBpm: 72.5,
    unreadableSeconds: 0,
  });
  // A Holter report: 61 beats 1 s apart, a V triplet and one 2.5 s pause.
  const times = Array.from({ length: 61 }, (_, i) => i + (i > 40 ? 1.5 : 0));
  const holter = summarizeRecord({
    runId: 'r',
    recordId: '101',
    modelVersion: 'v1',
    fs: 100,
    numSamples: 6400,
    samples: times.map((t) => t * 100),
    classes: times.map((_, i) => (i >= 10 && i < 13 ? 'V' : 'N')),
    unreadable: [],
  });
  const csv = runSummaryCsv([
    { recordId: '100', status: 'complete', error: null, summary },
    { recordId: '101', status: 'complete', error: null, summary: holter },
    { recordId: 'bad', status: 'failed', error: 'record bad: not a Parquet file, "really"', summary: null },
  ]);
  const lines = csv.trim().split('\n');
  assert.equal(
    lines[0],
    'record_id,status,beats,count_N,count_S,count_V,count_F,count_Q,burden_N,burden_S,burden_V,burden_F,burden_Q,mean_hr_bpm,duration_s,unreadable_s,analysable,' +
      'analysable_s,hr_min_bpm,hr_max_bpm,count_v_runs,count_v_couplets,v_longest_run_beats,v_fastest_run_bpm,bigeminy_s,trigeminy_s,' +
      'count_sv_runs,count_pauses,longest_pause_s,count_af_episodes,af_burden_pct,sdnn_ms,rmssd_ms,lf_hf,model_version,error',
  );
  // A summary written before the Holter report existed leaves its columns empty.
  assert.equal(lines[1], `100,complete,4,3,0,1,0,0,0.75,0,0.25,0,0,72.5,1805.6,0,true,${','.repeat(17)}v1,`);
  const header = lines[0].split(',');
  const row = lines[2].split(',');
  const col = (name: string) => row[header.indexOf(name)];
  assert.equal(col('count_v_runs'), '1');
  assert.equal(col('v_longest_run_beats'), '3');
  assert.equal(col('count_pauses'), '1');
  assert.equal(col('longest_pause_s'), '2.5');
  assert.equal(col('analysable_s'), '64');
  assert.equal(col('analysable'), 'true');
  assert.equal(lines[3], `bad,failed,${','.repeat(33)}"record bad: not a Parquet file, ""really"""`);
});
