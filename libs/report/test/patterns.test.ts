/**
 * Bigeminy (N V repeated) and trigeminy (N N V repeated): an episode needs the stated minimum
 * of cycles (3 by default), each cycle's V isolated and every interval known.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patternEpisodes, prepareSequence } from '@holterflow/report';
import { build } from './sequences.js';

const pattern = (classes: string, normals: 1 | 2, min = 3, gapsS?: { start: number; end: number }[]) =>
  patternEpisodes(prepareSequence(build(classes, 0.8, { gapsS }).seq), normals, min);

test('two bigeminal cycles are not an episode with a minimum of three; three are', () => {
  assert.equal(pattern('NNNVNVNNN', 1).count, 0);
  const three = pattern('NNNVNVNVNNN', 1);
  assert.equal(three.count, 1);
  assert.equal(three.longest?.cycles, 3);
  // From the N before the first V (beat 2) to the last V (beat 7): 5 intervals of 0.8 s.
  assert.ok(Math.abs((three.longest?.durationS ?? 0) - 4.0) < 0.01);
  assert.ok(Math.abs(three.totalSeconds - 4.0) < 0.01);
});

test('the minimum of cycles is a setting', () => {
  assert.equal(pattern('NNNVNVNNN', 1, 2).count, 1);
  assert.equal(pattern('NNNVNVNVNNN', 1, 4).count, 0);
});

test('a couplet ends a bigeminy episode (its V is not isolated)', () => {
  const s = pattern('NVNVNVNVVNVNVNVN', 1);
  assert.equal(s.count, 2);
  assert.deepEqual(
    s.list.map((e) => e.cycles),
    [3, 3],
  );
  // With only two cycles before the couplet, that part is no episode.
  assert.equal(pattern('NVNVNVVNVNVNVN', 1).count, 1);
});

test('trigeminy: N N V cycles, three needed; bigeminy beats are not trigeminy', () => {
  const t = pattern('NNVNNVNNVNN', 2);
  assert.equal(t.count, 1);
  assert.equal(t.longest?.cycles, 3);
  assert.equal(pattern('NNVNNVNN', 2).count, 0);
  assert.equal(pattern('NVNVNVNVNN', 2).count, 0);
});

test('an unanalysable stretch inside splits the episode', () => {
  // Beats every 0.8 s from 1.0; the gap at 6.0-6.2 s falls between beats 6 (N) and 7 (V).
  const split = pattern('NVNVNVNVNVNVNVNN', 1, 3, [{ start: 6.0, end: 6.2 }]);
  assert.deepEqual(
    split.list.map((e) => e.cycles),
    [3, 3],
  );
  assert.deepEqual(
    pattern('NVNVNVNVNVNVNVNN', 1).list.map((e) => e.cycles),
    [7],
  );
});
