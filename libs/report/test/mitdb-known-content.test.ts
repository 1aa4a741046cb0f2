/**
 * The report's rules on MIT-BIH records of known content: the reference beat annotations through
 * analyseHolter give what the reference rhythm annotations (and the database's notes) say.
 *  - 119 (fixture): ventricular bigeminy — as many bigeminy episodes as "(B" annotations (37);
 *  - 232 (fixture): sinus bradycardia with long pauses "up to 6 s", no V beat;
 *  - 203 (full database): one V run per "(VT" episode (21);
 *  - 201, 202, 203, 210, 219, 221, 222 (full database): AF episodes against the "(AFIB" rhythm
 *    annotations, pooled, EC57 episode and duration Se / +P at least the figures measured with
 *    bench/report-mitdb.ts (libs/report/README.md: 95.2 / 95.5 / 96.9 / 76.9 %).
 * The reference's ventricular flutter "(VFL" is unanalysable (flutter waves are not beats).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readWfdbRecord } from '@holterflow/formats';
import { analyseHolter, episodesOf, matchEpisodes, pooled, rates, rhythmEpisodes } from '@holterflow/report';
import { FIXTURE_MITDB_DIR, FULL_MITDB_DIR, hasFullMitdb } from '../../../test/support/mitdb.js';

function referenceReport(dir: string, id: string) {
  const rec = readWfdbRecord(join(dir, `${id}.hea`));
  const numSamples = rec.signals[0].length;
  const episodes = rhythmEpisodes(rec.annotations ?? [], rec.fs, numSamples);
  const flutter = episodesOf(episodes, 'VFL').map((e) => ({
    start: Math.round(e.startS * rec.fs),
    end: Math.round(e.endS * rec.fs),
  }));
  const beats = rec.beats ?? [];
  const analysis = analyseHolter({
    fs: rec.fs,
    numSamples,
    samples: beats.map((b) => b.sample),
    classes: beats.map((b) => b.aami),
    unanalysable: flutter,
  });
  return { analysis, episodes };
}

test('119: one bigeminy episode per "(B" annotation', () => {
  const { analysis, episodes } = referenceReport(FIXTURE_MITDB_DIR, '119');
  const annotated = episodesOf(episodes, 'B');
  assert.equal(annotated.length, 37);
  assert.equal(analysis.report.ventricular.bigeminy.count, annotated.length);
  const annotatedS = annotated.reduce((s, e) => s + e.endS - e.startS, 0);
  // Episodes run from the first cycle's N to the last V; the annotations to the next rhythm.
  const foundS = analysis.report.ventricular.bigeminy.totalSeconds;
  assert.ok(foundS <= annotatedS && foundS >= 0.9 * annotatedS, `${foundS} s against ${annotatedS} s`);
});

test('232: pauses up to 6 s and no V beat', () => {
  const { analysis } = referenceReport(FIXTURE_MITDB_DIR, '232');
  const { pauses, ventricular } = analysis.report;
  assert.equal(ventricular.beats, 0);
  assert.ok(pauses.count > 100, `${pauses.count} pauses`);
  const longest = pauses.longest?.durationS ?? 0;
  assert.ok(longest > 5.5 && longest <= 6.0, `longest pause ${longest} s`);
});

const full = hasFullMitdb() ? false : `${FULL_MITDB_DIR} is absent (full database not on this machine)`;

test('203: one V run per "(VT" episode', { skip: full }, () => {
  const { analysis, episodes } = referenceReport(FULL_MITDB_DIR, '203');
  assert.equal(episodesOf(episodes, 'VT').length, 21);
  assert.equal(analysis.report.ventricular.runs.count, 21);
});

test(
  'AF on the seven AF records: pooled episode and duration Se / +P against "(AFIB"',
  { skip: full },
  () => {
    const matches = ['201', '202', '203', '210', '219', '221', '222'].map((id) => {
      const { analysis, episodes } = referenceReport(FULL_MITDB_DIR, id);
      return matchEpisodes(episodesOf(episodes, 'AFIB'), analysis.afEpisodes);
    });
    const r = rates(pooled(matches));
    // Compared as the README prints them (one decimal).
    const shown = (x: number | null) => Math.round((x ?? 0) * 10) / 10;
    assert.ok(shown(r.episodeSe) >= 95.2, `episode Se ${r.episodeSe}`);
    assert.ok(shown(r.episodePp) >= 95.5, `episode +P ${r.episodePp}`);
    assert.ok(shown(r.durationSe) >= 96.9, `duration Se ${r.durationSe}`);
    assert.ok(shown(r.durationPp) >= 76.9, `duration +P ${r.durationPp}`);
  },
);
