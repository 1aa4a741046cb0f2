/**
 * V and S ectopy: isolated (1 beat), couplet (2), run (>= 3; exactly 3 also a triplet), with the
 * rate of a run = 60 / mean RR between its beats; an unanalysable stretch ends a stretch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ectopy, prepareSequence } from '@holterflow/report';
import { build } from './sequences.js';

const v = (classes: string, rr: number | number[] = 0.8, gapsS?: { start: number; end: number }[]) =>
  ectopy(prepareSequence(build(classes, rr, { gapsS }).seq), 'V');

test('an isolated V is neither a couplet nor a run', () => {
  const e = v('NNNVNNNVNN');
  assert.equal(e.isolated, 2);
  assert.equal(e.couplets, 0);
  assert.equal(e.runs.count, 0);
  assert.equal(e.beats, 2);
});

test('a V couplet is not a run', () => {
  const e = v('NNVVNN');
  assert.equal(e.couplets, 1);
  assert.equal(e.isolated, 0);
  assert.equal(e.runs.count, 0);
  assert.equal(e.runs.longest, null);
  assert.equal(e.couplet.fastest?.beats, 2);
});

test('three V in a row are a triplet and a run; five are a longer run', () => {
  const e = v('NNVVVNNNVVVVVNN');
  assert.equal(e.triplets, 1);
  assert.equal(e.runs.count, 2);
  assert.equal(e.runs.beats, 8);
  assert.equal(e.runs.longest?.beats, 5);
});

test('longest and fastest run, each with its time and rate', () => {
  // Beats 2-4 a run at 0.4 s (150 bpm), beats 8-13 a run at 0.6 s (100 bpm).
  const rr = [0, 0.8, 0.8, 0.4, 0.4, 0.8, 0.8, 0.8, 0.8, 0.6, 0.6, 0.6, 0.6, 0.6, 0.8];
  const built = build('NNVVVNNNVVVVVVN', rr);
  const e = ectopy(prepareSequence(built.seq), 'V');
  assert.equal(e.runs.count, 2);
  assert.equal(e.runs.longest?.beats, 6);
  assert.ok(Math.abs((e.runs.longest?.rateBpm ?? 0) - 100) < 0.5);
  assert.ok(Math.abs((e.runs.longest?.startS ?? 0) - built.times[8]) < 0.01);
  assert.equal(e.runs.fastest?.beats, 3);
  assert.ok(Math.abs((e.runs.fastest?.rateBpm ?? 0) - 150) < 0.5);
  assert.ok(Math.abs((e.runs.fastest?.endS ?? 0) - built.times[4]) < 0.01);
});

test('an unanalysable stretch between two V beats makes them two isolated beats, not a couplet', () => {
  // Beats at 1.0, 1.8, 2.6 (V), 3.4 (V), 4.2: the gap 2.8-3.2 s lies between the two V beats.
  const e = v('NNVVN', 0.8, [{ start: 2.8, end: 3.2 }]);
  assert.equal(e.couplets, 0);
  assert.equal(e.isolated, 2);
});

test('supraventricular ectopy is counted the same way on S beats', () => {
  const e = ectopy(prepareSequence(build('NSNSSNSSSSNN', 0.7).seq), 'S');
  assert.equal(e.isolated, 1);
  assert.equal(e.couplets, 1);
  assert.equal(e.runs.count, 1);
  assert.equal(e.runs.longest?.beats, 4);
});
