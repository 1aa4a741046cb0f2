/** Rhythm episodes from '+' annotations, and EC57-style episode / duration Se and +P. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchEpisodes, pooled, rates, rhythmEpisodes } from '@holterflow/report';

test('a rhythm lasts until the next rhythm annotation or the end of the record', () => {
  const eps = rhythmEpisodes(
    [
      { sample: 0, symbol: '+', aux: '(N' },
      { sample: 100, symbol: 'N', aux: '' },
      { sample: 1000, symbol: '+', aux: '(AFIB\0' },
      { sample: 3000, symbol: '+', aux: '(N' },
    ],
    100,
    5000,
  );
  assert.deepEqual(eps, [
    { rhythm: 'N', startS: 0, endS: 10 },
    { rhythm: 'AFIB', startS: 10, endS: 30 },
    { rhythm: 'N', startS: 30, endS: 50 },
  ]);
});

test('episode and duration Se / +P', () => {
  const reference = [
    { startS: 0, endS: 100 },
    { startS: 200, endS: 300 },
  ];
  const detected = [
    { startS: 50, endS: 120 },
    { startS: 400, endS: 450 },
  ];
  const m = matchEpisodes(reference, detected);
  const r = rates(m);
  assert.equal(r.episodeSe, 50);
  assert.equal(r.episodePp, 50);
  assert.equal(r.durationSe, 25); // 50 of 200 s
  assert.ok(Math.abs((r.durationPp ?? 0) - (100 * 50) / 120) < 1e-9); // 50 of 120 s
  const both = rates(pooled([m, matchEpisodes([{ startS: 0, endS: 10 }], [{ startS: 0, endS: 10 }])]));
  assert.equal(both.episodeSe, 200 / 3);
  assert.equal(rates(matchEpisodes([], [])).episodeSe, null);
});
