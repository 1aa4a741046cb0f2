import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MlpParameters } from '@holterflow/model';
import {
  chooseClassScale,
  crossValidatedCalibrationScore,
  ensembleConfusion,
  scaledArgmax,
  type FeatureSet,
} from '@holterflow/training';

/** A network whose logits are its five inputs (identity layer): the rows are the log-odds. */
const identity: MlpParameters = {
  mean: new Float32Array(5),
  invStd: new Float32Array(5).fill(1),
  layers: [
    {
      inputs: 5,
      outputs: 5,
      weights: Float32Array.from({ length: 25 }, (_, i) => (i % 6 === 0 ? 1 : 0)),
      bias: new Float32Array(5),
    },
  ],
};

/**
 * Two records of 100 N beats (clearly N) and 20 S beats whose S probability is ~0.38 against
 * N's ~0.62 (an uncalibrated network's S beats of a new patient), and 20 V beats (clearly V).
 */
function set(): FeatureSet {
  const rows: number[] = [];
  const labels: number[] = [];
  const recordIds: string[] = [];
  for (const record of ['a', 'b'])
    for (let i = 0; i < 140; i++) {
      const cls = i < 100 ? 0 : i < 120 ? 1 : 2;
      const logits = cls === 0 ? [3, 0, 0, -5, -5] : cls === 1 ? [1, 0.5, -2, -5, -5] : [0, 0, 3, -5, -5];
      rows.push(...logits);
      labels.push(cls);
      recordIds.push(record);
    }
  return { rows: Float32Array.from(rows), labels: Int32Array.from(labels), width: 5, recordIds };
}

test('scaledArgmax moves the decision by class factors; a tie goes to the earlier class', () => {
  const probs = Float32Array.of(0.6, 0.4, 0, 0, 0, 0.5, 0.5, 0, 0, 0);
  assert.deepEqual(Array.from(scaledArgmax(probs, 2, [1, 1, 1, 1, 1])), [0, 0]);
  assert.deepEqual(Array.from(scaledArgmax(probs, 2, [1, 2, 1, 1, 1])), [1, 1]);
});

test('the class-prior calibration finds the S factor that recovers S beats, and its leave-one-record-out score holds', () => {
  const validation = set();
  const before = ensembleConfusion([identity], validation);
  assert.equal(before[1][1], 0, 'unscaled, every S beat is called N');
  const c = chooseClassScale([identity], validation);
  assert.ok(c.classScale[1] >= 2, `S factor ${c.classScale[1]}`);
  assert.ok(c.score > c.unscaled);
  const after = ensembleConfusion([identity], validation, c.classScale);
  assert.equal(after[1][1], 40);
  assert.equal(after[0][0], 200);
  // Both records are alike, so a scale chosen on one holds on the other.
  assert.ok(Math.abs(crossValidatedCalibrationScore([identity], validation) - c.score) < 1e-9);
});
