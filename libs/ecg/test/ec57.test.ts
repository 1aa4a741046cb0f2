import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classConfusion,
  matchBeats,
  positivePredictivity,
  sensitivity,
  ventricularFibrillationEpisodes,
} from '@holterflow/ecg';

const FS = 1000; // 1 sample = 1 ms, so tolerances read directly

test('a detection exactly 150 ms away matches; 151 ms does not', () => {
  assert.equal(matchBeats([1000], [1150], FS).truePositives, 1);
  assert.equal(matchBeats([1000], [850], FS).truePositives, 1);
  const m = matchBeats([1000], [1151], FS);
  assert.deepEqual([m.truePositives, m.falseNegatives, m.falsePositives], [0, 1, 1]);
});

test('a detection between two reference beats goes to the nearer one', () => {
  const m = matchBeats([1000, 1200], [1120], FS);
  assert.deepEqual(Array.from(m.referenceToDetected), [-1, 0]);
  assert.deepEqual([m.truePositives, m.falseNegatives, m.falsePositives], [1, 1, 0]);
});

test('each beat matches once: a double detection is one TP and one FP', () => {
  const m = matchBeats([1000, 2000], [990, 1040, 2000], FS);
  assert.deepEqual([m.truePositives, m.falseNegatives, m.falsePositives], [2, 0, 1]);
  assert.equal(m.detectedToReference[0], 0, 'the closer of the two detections is the match');
  assert.equal(m.detectedToReference[1], -1);
});

test('a detection nearer the next beat stays here when the next beat has its own', () => {
  // Closest-first pairing would give 1060 to 1100 and leave 1000 and 1200 unmatched.
  const m = matchBeats([1000, 1100], [1060, 1200], FS);
  assert.equal(m.truePositives, 2);
  assert.deepEqual(Array.from(m.referenceToDetected), [0, 1]);
});

test('Se and +P; empty inputs are perfect, not NaN', () => {
  const m = matchBeats([100, 1100, 2100, 3100], [100, 1100, 2100, 2600], FS);
  assert.equal(sensitivity(m), 0.75);
  assert.equal(positivePredictivity(m), 0.75);
  const empty = matchBeats([], [], FS);
  assert.equal(sensitivity(empty), 1);
  assert.equal(positivePredictivity(empty), 1);
  assert.equal(positivePredictivity(matchBeats([], [5], FS)), 0);
});

test('VF episodes are excluded on both sides (EC57)', () => {
  const annotations = [
    { sample: 100, symbol: 'N' },
    { sample: 5000, symbol: '[' },
    { sample: 6000, symbol: '!' },
    { sample: 9000, symbol: ']' },
    { sample: 9500, symbol: 'N' },
  ];
  const episodes = ventricularFibrillationEpisodes(annotations, 20000);
  assert.deepEqual(episodes, [{ start: 5000, end: 9001 }]);
  const m = matchBeats([100, 6000, 9500], [100, 7000, 9500], FS, episodes);
  assert.deepEqual([m.truePositives, m.falseNegatives, m.falsePositives], [2, 0, 0]);
  assert.deepEqual(ventricularFibrillationEpisodes([{ sample: 10, symbol: '[' }], 50), [
    { start: 10, end: 50 },
  ]);
});

test('class confusion counts matched beats by class and missed beats apart', () => {
  const m = matchBeats([1000, 2000, 3000], [1000, 2010], FS);
  const c = classConfusion(m, ['N', 'V', 'S'], ['N', 'N']);
  assert.equal(c.matrix[0][0], 1);
  assert.equal(c.matrix[2][0], 1, 'V predicted as N');
  assert.equal(c.missedByClass[1], 1, 'the S beat was not detected');
});

test('unsorted reference beats are refused', () => {
  assert.throws(() => matchBeats([2000, 1000], [], FS), /sorted/);
});
