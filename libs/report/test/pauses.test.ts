/** Pauses: known RR >= threshold (2.0 s by default); never across an unanalysable stretch. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findPauses, pauseStats, prepareSequence } from '@holterflow/report';
import { build } from './sequences.js';

test('RR of 2.0 s and more are pauses, 1.9 s is not; the longest is reported with its time', () => {
  const built = build('NNNNNN', [0, 0.8, 1.9, 2.0, 0.8, 2.6]);
  const pauses = findPauses(prepareSequence(built.seq), 2);
  const stats = pauseStats(pauses, 2);
  assert.equal(stats.count, 2);
  assert.ok(Math.abs((stats.longest?.durationS ?? 0) - 2.6) < 0.005);
  assert.ok(Math.abs((stats.longest?.startS ?? 0) - built.times[4]) < 0.005);
  assert.ok(Math.abs((stats.longest?.endS ?? 0) - built.times[5]) < 0.005);
});

test('a pause across an unanalysable stretch is not counted', () => {
  const built = build('NNNN', [0, 0.8, 3.0, 0.8], { gapsS: [{ start: 2.5, end: 3.0 }] });
  assert.equal(findPauses(prepareSequence(built.seq), 2).length, 0);
  // The same interval with the gap elsewhere is a pause.
  const clean = build('NNNN', [0, 0.8, 3.0, 0.8], { gapsS: [{ start: 5.8, end: 5.9 }] });
  assert.equal(findPauses(prepareSequence(clean.seq), 2).length, 1);
});

test('the threshold is a setting', () => {
  const p = prepareSequence(build('NNNN', [0, 2.5, 3.2, 0.8]).seq);
  assert.equal(findPauses(p, 2).length, 2);
  assert.equal(findPauses(p, 3).length, 1);
});
