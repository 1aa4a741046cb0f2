/**
 * AF (Dash et al. 2009): irregular RR windows are AF, regular rhythm and bigeminy are not,
 * episodes shorter than 30 s are not reported, and no episode spans an unanalysable stretch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afWindowFeatures as windowFeatures, isAfWindow } from '@holterflow/ecg';
import { afEpisodes, atrialFibrillation, prepareSequence } from '@holterflow/report';
import { build, seeded } from './sequences.js';

const rand = seeded(7);
const irregular = (n: number) => Array.from({ length: n }, () => 0.35 + 0.6 * rand());
const regular = (n: number) => Array.from({ length: n }, () => 0.8 + 0.02 * (rand() - 0.5));

test('window features: irregular RR is AF; regular and alternating (bigeminy) RR are not', () => {
  assert.ok(isAfWindow(windowFeatures(irregular(128))));
  assert.equal(isAfWindow(windowFeatures(regular(128))), false);
  const alternating = Array.from({ length: 128 }, (_, i) => (i % 2 ? 1.0 : 0.5));
  const f = windowFeatures(alternating);
  assert.ok(f.tpr > 0.9, `bigeminy turning point ratio ${f.tpr}`);
  assert.equal(isAfWindow(f), false);
});

test('a 4-minute AF episode between sinus stretches is found with about its true edges', () => {
  const rr = [0, ...regular(300), ...irregular(370), ...regular(300)];
  const built = build('N'.repeat(rr.length), rr);
  const p = prepareSequence(built.seq);
  const af = atrialFibrillation(p, afEpisodes(p), 30);
  assert.equal(af.count, 1);
  const ep = af.list[0];
  const trueStart = built.times[300];
  const trueEnd = built.times[670];
  // Edges within 32 beats (~20 s at these rates) of the truth.
  assert.ok(Math.abs(ep.startS - trueStart) < 20, `start ${ep.startS} vs ${trueStart}`);
  assert.ok(Math.abs(ep.endS - trueEnd) < 20, `end ${ep.endS} vs ${trueEnd}`);
  assert.ok(af.burdenPercent !== null && af.burdenPercent > 20 && af.burdenPercent < 35);
});

test('an AF episode shorter than 30 s is not reported', () => {
  // A sinus record with one irregular burst: the detector may flag it, but it stays under 30 s.
  const rr = [0, ...regular(400), ...irregular(40), ...regular(400)];
  const p = prepareSequence(build('N'.repeat(rr.length), rr).seq);
  const found = afEpisodes(p);
  for (const e of found) assert.ok(e.durationS < 30);
  const af = atrialFibrillation(p, found, 30);
  assert.equal(af.count, 0);
  assert.equal(af.totalSeconds, 0);
  // And with the minimum set to 0 the short one would be listed, when flagged at all.
  assert.equal(atrialFibrillation(p, found, 0).count, found.length);
});

test('no AF episode spans an unanalysable stretch', () => {
  const rr = [0, ...irregular(800)];
  const built = build('N'.repeat(rr.length), rr);
  const mid = built.times[400];
  const withGap = build('N'.repeat(rr.length), rr, { gapsS: [{ start: mid - 0.1, end: mid - 0.05 }] });
  const p = prepareSequence(withGap.seq);
  const eps = afEpisodes(p);
  assert.ok(eps.length >= 2, `${eps.length} episodes`);
  for (const e of eps) assert.ok(!(e.startS < mid - 0.1 && e.endS > mid - 0.05), 'episode crosses the gap');
});

test('ventricular trigeminy is not AF: intervals touching V beats are left out', () => {
  // N N V repeated, the V premature (coupling 0.4-0.6 s) with a pause after it (1.0-1.3 s):
  // short-long-normal has a turning point ratio of 2/3 and, with varying coupling, an entropy
  // over 0.7, so on all intervals it reads as AF.
  const cycles = 200;
  const classes = 'NNV'.repeat(cycles);
  const rr = Array.from({ length: classes.length }, (_, i) => {
    if (i === 0) return 0;
    if (i % 3 === 2) return 0.4 + 0.2 * rand();
    if (i % 3 === 0) return 1.0 + 0.3 * rand();
    return 0.8 + 0.04 * (rand() - 0.5);
  });
  const p = prepareSequence(build(classes, rr).seq);
  assert.equal(afEpisodes(p).length, 0);
  // The same RR series with every beat N (no class information) is flagged.
  const unlabelled = prepareSequence(build('N'.repeat(classes.length), rr).seq);
  assert.ok(afEpisodes(unlabelled).length > 0);
});
