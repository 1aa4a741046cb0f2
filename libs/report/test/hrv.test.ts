/**
 * HRV on NN intervals: both beats N, known, 300..2000 ms; intervals touching ectopic beats are
 * skipped. SDNN, RMSSD, pNN50 and the triangular index against hand computation; LF/HF of a
 * pure sine by Lomb-Scargle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hrv, lombScargleBands, prepareSequence } from '@holterflow/report';
import { build } from './sequences.js';

const near = (a: number | null, b: number, tol: number) =>
  assert.ok(a !== null && Math.abs(a - b) <= tol, `${a} is not ${b} ± ${tol}`);

test('RMSSD, pNN50 and SDNN of a short NN series by hand', () => {
  const h = hrv(prepareSequence(build('NNNNN', [0, 0.8, 0.82, 0.792, 0.852]).seq));
  assert.equal(h.nnIntervals, 4);
  // Successive differences 20, -28, 60 ms (intervals on whole 4 ms samples at 250 Hz).
  near(h.rmssdMs, Math.sqrt((400 + 784 + 3600) / 3), 1e-6);
  near(h.pnn50Percent, 100 / 3, 1e-9);
  const mean = (800 + 820 + 792 + 852) / 4;
  const sd = Math.sqrt([800, 820, 792, 852].reduce((s, v) => s + (v - mean) ** 2, 0) / 3);
  near(h.sdnnMs, sd, 1e-6);
  near(h.meanNnMs, mean, 1e-6);
});

test('intervals touching a V beat are not NN, and no successive difference spans them', () => {
  // N N N V N N: intervals 2->3 (N->V) and 3->4 (V->N) are excluded.
  const h = hrv(prepareSequence(build('NNNVNN', [0, 0.8, 0.82, 0.4, 1.2, 0.81]).seq));
  assert.equal(h.nnIntervals, 3); // 0.8, 0.82, 0.81
  // Only 0.8 -> 0.82 are adjacent NN; 0.82 .. 0.81 are not adjacent.
  near(h.rmssdMs, 20, 1e-6);
  near(h.nnPercent, 60, 1e-9);
});

test('intervals across an unanalysable stretch or outside 300-2000 ms are not NN', () => {
  const h = hrv(
    prepareSequence(
      build('NNNNNN', [0, 0.8, 2.4, 0.25, 0.8, 0.8], { gapsS: [{ start: 5.0, end: 5.02 }] }).seq,
    ),
  );
  // 0.8 (1->2) NN; 2.4 too long; 0.25 too short; 0.8 (4->5) crosses the gap at 5.0 s; 0.8 NN.
  assert.equal(h.nnIntervals, 2);
});

test('triangular index: NN count over the tallest 1/128 s histogram bin', () => {
  // 6 intervals at 800 ms, 2 at 900 ms -> 8 / 6.
  const rr = [0, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.9, 0.9];
  const h = hrv(prepareSequence(build('N'.repeat(9), rr).seq));
  near(h.triangularIndex, 8 / 6, 1e-9);
});

test('Lomb-Scargle: a 30 ms sine at 0.25 Hz is HF power of ~450 ms², at 0.1 Hz LF', () => {
  for (const [f, band] of [
    [0.25, 'hf'],
    [0.1, 'lf'],
  ] as const) {
    const t: number[] = [];
    const y: number[] = [];
    let time = 0;
    while (time < 300) {
      const nn = 800 + 30 * Math.sin(2 * Math.PI * f * time);
      time += nn / 1000;
      t.push(time);
      y.push(nn);
    }
    const bands = lombScargleBands(t, y);
    near(bands[band], 450, 45);
    const other = band === 'hf' ? bands.lf : bands.hf;
    assert.ok(other < 20, `${band === 'hf' ? 'LF' : 'HF'} leaked ${other} ms²`);
  }
});

test('5-minute segments: SDANN, SDNN index and LF/HF over a 20-min record', () => {
  // NN alternates its mean by segment (800 / 900 ms), with a 0.25 Hz, 20 ms modulation.
  const rr: number[] = [0];
  let time = 0;
  while (time < 1200) {
    const seg = Math.floor(time / 300);
    const nn = (seg % 2 ? 0.9 : 0.8) + 0.02 * Math.sin(2 * Math.PI * 0.25 * time);
    time += nn;
    rr.push(nn);
  }
  const h = hrv(prepareSequence(build('N'.repeat(rr.length), rr, { startS: 0 }).seq));
  assert.equal(h.spectralSegments, 4);
  // Segment means 800, 900, 800, 900 (+/- a little): SD ~57.7 ms.
  near(h.sdannMs, 57.7, 3);
  // Within a segment, SD of a 20 ms sine = 14.1 ms.
  near(h.sdnnIndexMs, 14.1, 1.5);
  assert.ok(h.lfHf !== null && h.lfHf < 0.2, `LF/HF ${h.lfHf}`);
  near(h.hfMs2, 200, 30);
});
