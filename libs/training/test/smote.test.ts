import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordInputError } from '@holterflow/contracts';
import {
  assertTrainableBeats,
  BEAT_WIDTH,
  countPerClass,
  nearestNeighbours,
  SeededRandom,
  smote,
  type LabelledBeats,
} from '../src/index.js';

/** Random beats: class c is a cloud around level c (so neighbours are found within a class). */
function cloud(counts: number[], seed = 1): LabelledBeats {
  const rng = new SeededRandom(seed);
  const n = counts.reduce((a, b) => a + b, 0);
  const x = new Float32Array(n * BEAT_WIDTH);
  const labels = new Int32Array(n);
  let i = 0;
  counts.forEach((m, c) => {
    for (let j = 0; j < m; j++, i++) {
      labels[i] = c;
      for (let t = 0; t < BEAT_WIDTH; t++) x[i * BEAT_WIDTH + t] = c + rng.next();
    }
  });
  return { x, labels };
}

function bruteForceNeighbours(x: Float32Array, m: number, k: number): number[][] {
  return Array.from({ length: m }, (_, i) => {
    const d: [number, number][] = [];
    for (let j = 0; j < m; j++) {
      if (j === i) continue;
      let s = 0;
      for (let t = 0; t < BEAT_WIDTH; t++) s += (x[i * BEAT_WIDTH + t] - x[j * BEAT_WIDTH + t]) ** 2;
      d.push([s, j]);
    }
    return d
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .slice(0, k)
      .map(([, j]) => j);
  });
}

test('blocked kNN equals a plain brute-force kNN (150 rows, more than two blocks)', () => {
  const { x } = cloud([150]);
  const got = nearestNeighbours(x, 150, 5);
  const want = bruteForceNeighbours(x, 150, 5);
  for (let i = 0; i < 150; i++)
    assert.deepEqual(Array.from(got.subarray(i * 5, i * 5 + 5)), want[i], `row ${i}`);
});

test('SMOTE brings every class to the majority count and keeps the input beats first', () => {
  const beats = cloud([200, 30, 60, 8, 45]);
  const out = smote(beats, { seed: 7 });
  assert.deepEqual(countPerClass(out.labels), [200, 200, 200, 200, 200]);
  assert.deepEqual(out.syntheticPerClass, [0, 170, 140, 192, 155]);
  assert.equal(out.originalCount, 343);
  assert.deepEqual(out.x.subarray(0, beats.x.length), beats.x);
  assert.deepEqual(out.labels.subarray(0, 343), beats.labels);
});

test('every synthetic beat lies on a segment from a class beat to one of its 5 nearest neighbours', () => {
  const counts = [120, 25, 40, 12, 30];
  const beats = cloud(counts, 3);
  const out = smote(beats, { seed: 11 });
  const members = counts.map((_, c) => Array.from(beats.labels.keys()).filter((i) => beats.labels[i] === c));
  const knn = members.map((idx) => {
    const x = new Float32Array(idx.length * BEAT_WIDTH);
    idx.forEach((j, r) => x.set(beats.x.subarray(j * BEAT_WIDTH, (j + 1) * BEAT_WIDTH), r * BEAT_WIDTH));
    return { x, nn: bruteForceNeighbours(x, idx.length, 5) };
  });
  for (let s = out.originalCount; s < out.labels.length; s++) {
    const { x, nn } = knn[out.labels[s]];
    const p = out.x.subarray(s * BEAT_WIDTH, (s + 1) * BEAT_WIDTH);
    const onSomeSegment = nn.some((neighbours, i) =>
      neighbours.some((j) => {
        const a = x.subarray(i * BEAT_WIDTH, (i + 1) * BEAT_WIDTH);
        const b = x.subarray(j * BEAT_WIDTH, (j + 1) * BEAT_WIDTH);
        // λ from the largest coordinate difference, then every coordinate must agree with it.
        let t = 0;
        for (let q = 1; q < BEAT_WIDTH; q++) if (Math.abs(b[q] - a[q]) > Math.abs(b[t] - a[t])) t = q;
        const lambda = (p[t] - a[t]) / (b[t] - a[t]);
        if (!(lambda >= -1e-6 && lambda <= 1 + 1e-6)) return false;
        for (let q = 0; q < BEAT_WIDTH; q++)
          if (Math.abs(a[q] + lambda * (b[q] - a[q]) - p[q]) > 1e-5) return false;
        return true;
      }),
    );
    assert.ok(
      onSomeSegment,
      `synthetic beat ${s} (class ${out.labels[s]}) is not between a beat and one of its 5 neighbours`,
    );
  }
});

test('the same seed gives the same synthetic beats; another seed gives others', () => {
  const beats = cloud([100, 20, 30, 10, 15]);
  const a = smote(beats, { seed: 5 });
  const b = smote(beats, { seed: 5 });
  const c = smote(beats, { seed: 6 });
  assert.deepEqual(a.x, b.x);
  assert.notDeepEqual(a.x, c.x);
});

test('a class with fewer than k+1 beats uses its m-1 others; a single beat is copied', () => {
  const beats = cloud([50, 3, 20, 1, 20]);
  const out = smote(beats, { seed: 2 });
  assert.deepEqual(out.neighboursPerClass, [5, 2, 5, 0, 5]);
  assert.deepEqual(countPerClass(out.labels), [50, 50, 50, 50, 50]);
  const single = beats.labels.indexOf(3);
  const original = beats.x.subarray(single * BEAT_WIDTH, (single + 1) * BEAT_WIDTH);
  for (let s = out.originalCount; s < out.labels.length; s++)
    if (out.labels[s] === 3) assert.deepEqual(out.x.subarray(s * BEAT_WIDTH, (s + 1) * BEAT_WIDTH), original);
});

test('an empty class is a RecordInputError naming the class', () => {
  const beats = cloud([50, 10, 0, 5, 5]);
  assert.throws(
    () => smote(beats, { seed: 1, source: 'beats.parquet' }),
    (err: unknown) =>
      err instanceof RecordInputError &&
      /class V has no beats/.test(err.message) &&
      err.recordId === 'beats.parquet',
  );
});

test('beats of the wrong width or with NaN are RecordInputErrors that say what to do', () => {
  assert.throws(
    () =>
      assertTrainableBeats({ x: new Float32Array(10 * 180), labels: new Int32Array(10) }, 'narrow.parquet'),
    (err: unknown) =>
      err instanceof RecordInputError && /beats are 180 samples wide, the model needs 187/.test(err.message),
  );
  const x = new Float32Array(3 * BEAT_WIDTH);
  x[BEAT_WIDTH + 7] = NaN;
  assert.throws(
    () => assertTrainableBeats({ x, labels: new Int32Array(3), recordIds: ['a', 'b', 'c'] }, 'nan.parquet'),
    /beat 1 \(record b\) has a NaN value at sample 7/,
  );
});
