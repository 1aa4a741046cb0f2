import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classificationMetrics,
  formatMetricsTable,
  meanSd,
  metricsFromConfusion,
  testFiguresOf,
} from '../src/index.js';
import { ec57Confusion } from './helpers/ec57-confusion.js';

test('metrics from a hand-computed confusion matrix', () => {
  // rows = true N,S,V,F,Q; columns = predicted
  const confusion = [
    [50, 5, 0, 0, 0],
    [2, 8, 0, 0, 0],
    [0, 0, 18, 2, 0],
    [0, 0, 3, 2, 0],
    [0, 0, 0, 0, 10],
  ];
  const m = metricsFromConfusion(confusion);
  assert.equal(m.total, 100);
  assert.equal(m.accuracy, 0.88);
  // N: P 50/52, R 50/55; S: P 8/13, R 8/10; V: P 18/21, R 18/20; F: P 2/4, R 2/5; Q: 1, 1
  const expected = [
    [50 / 52, 50 / 55, 55],
    [8 / 13, 0.8, 10],
    [18 / 21, 0.9, 20],
    [0.5, 0.4, 5],
    [1, 1, 10],
  ];
  expected.forEach(([p, r, support], c) => {
    assert.ok(Math.abs(m.perClass[c].precision - p) < 1e-12, `precision ${c}`);
    assert.ok(Math.abs(m.perClass[c].recall - r) < 1e-12, `recall ${c}`);
    assert.ok(Math.abs(m.perClass[c].f1 - (2 * p * r) / (p + r)) < 1e-12, `f1 ${c}`);
    assert.equal(m.perClass[c].support, support);
  });
  // F1 F = 2·0.5·0.4/0.9 = 0.4444…; macro = mean of the five F1s
  const f1s = expected.map(([p, r]) => (2 * p * r) / (p + r));
  assert.ok(Math.abs(m.macroF1 - f1s.reduce((a, b) => a + b) / 5) < 1e-12);
  assert.ok(Math.abs(m.perClass[3].f1 - 4 / 9) < 1e-12);
});

test('confusion from labels; a class never predicted and never present scores 0', () => {
  const m = classificationMetrics([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0]);
  assert.deepEqual(m.confusion, [
    [1, 1, 0, 0, 0],
    [0, 1, 0, 0, 0],
    [1, 0, 2, 0, 0],
    [0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0],
  ]);
  assert.equal(m.accuracy, 4 / 6);
  assert.deepEqual(m.perClass[3], { class: 'F', precision: 0, recall: 0, f1: 0, support: 0 });
  assert.throws(() => classificationMetrics([0, 1], [0]), /2 true labels but 1 predictions/);
});

test("the table shows our figures beside the seed report's", () => {
  const table = formatMetricsTable(
    metricsFromConfusion([
      [17211, 600, 100, 50, 157],
      [90, 461, 5, 0, 0],
      [20, 10, 1390, 28, 0],
      [5, 2, 11, 144, 0],
      [5, 3, 3, 0, 1597],
    ]),
  );
  const lines = table.split('\n');
  assert.match(lines[0], /^class\s+precision\s+recall\s+f1\s+support \| seed\s+precision/);
  // N: P = 17211/17331 = 0.99, R = 17211/18118 = 0.95; seed N 0.99 0.95 0.97 18,118
  assert.match(lines[1], /^N\s+0\.99\s+0\.95\s+0\.97\s+18,118 \|\s+0\.99\s+0\.95\s+0\.97\s+18,118$/);
  // S: P = 461/1076 = 0.43, R = 461/556 = 0.83, F1 = 0.56
  assert.match(lines[2], /^S\s+0\.43\s+0\.83\s+0\.56\s+556 \|\s+0\.35\s+0\.83\s+0\.50\s+556$/);
  // accuracy = 20,803 / 21,892
  assert.match(lines[6], /^accuracy\s+95\.03% \(n=21,892\) \| seed 94\.64%$/);
  // F1 = 0.971, 0.565, 0.940, 0.750, 0.950
  assert.match(lines[7], /^macro-F1\s+0\.835 \| seed 0\.82$/);
});

test('test figures: accuracy a fraction, EC57 VEB and SVEB in percent, the confusion kept', () => {
  const confusion = ec57Confusion();
  const f = testFiguresOf(confusion);
  assert.ok(Math.abs(f.accuracy - 1083 / 1167) < 1e-12);
  assert.ok(Math.abs(f.vebSe - 90) < 1e-9);
  assert.ok(Math.abs(f.vebPpv - (100 * 90) / 95) < 1e-9);
  assert.ok(Math.abs(f.svebPpv - (100 * 80) / 93) < 1e-9);
  assert.equal(f.confusion, confusion);
});

test('mean ± sd over seeds: the sample standard deviation, 0 for one value', () => {
  const { mean, sd } = meanSd([1, 2, 3, 6]);
  assert.equal(mean, 3);
  assert.ok(Math.abs(sd - Math.sqrt(14 / 3)) < 1e-12);
  assert.deepEqual(meanSd([5]), { mean: 5, sd: 0 });
});
