import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countPerClass, stratifiedSplit } from '../src/index.js';

const labelsOf = (counts: number[]) =>
  Int32Array.from(counts.flatMap((m, c) => new Array<number>(m).fill(c)));

test('stratified 80/20: each class splits 80/20 (rounded), every beat exactly once', () => {
  const labels = labelsOf([1000, 37, 250, 9, 101]);
  const { train, validation } = stratifiedSplit(labels, 0.2, 3);
  assert.deepEqual(countPerClass(Array.from(validation, (i) => labels[i])), [200, 7, 50, 2, 20]);
  assert.deepEqual(countPerClass(Array.from(train, (i) => labels[i])), [800, 30, 200, 7, 81]);
  const all = [...train, ...validation].sort((a, b) => a - b);
  assert.deepEqual(all, Array.from(labels.keys()));
});

test('the split is seeded: same seed same parts, another seed other parts', () => {
  const labels = labelsOf([300, 40, 60, 10, 50]);
  assert.deepEqual(stratifiedSplit(labels, 0.2, 9), stratifiedSplit(labels, 0.2, 9));
  assert.notDeepEqual(
    stratifiedSplit(labels, 0.2, 9).validation,
    stratifiedSplit(labels, 0.2, 10).validation,
  );
});

test('a class of two beats keeps one on each side; a class of one stays in training', () => {
  const labels = labelsOf([20, 2, 1, 0, 3]);
  const { train, validation } = stratifiedSplit(labels, 0.2, 1);
  assert.deepEqual(countPerClass(Array.from(validation, (i) => labels[i])), [4, 1, 0, 0, 1]);
  assert.deepEqual(countPerClass(Array.from(train, (i) => labels[i])), [16, 1, 1, 0, 2]);
});
