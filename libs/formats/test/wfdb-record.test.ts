import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readWfdbRecord, readWfdbRecordFromFiles } from '@holterflow/formats';
import { FIXTURES } from './support/paths.js';

test('record 100: sample count, first values from the header initial values, and beat counts', () => {
  const rec = readWfdbRecord(`${FIXTURES}100.hea`);
  assert.equal(rec.fs, 360);
  assert.deepEqual(rec.leads, ['MLII', 'V5']);
  assert.equal(rec.source, 'wfdb:212');
  assert.equal(rec.signals[0].length, 650000);
  assert.equal(rec.signals[1].length, 650000);
  // 100.hea: "212 200 11 1024 995 ..." and "... 1024 1011 ...": gain 200, baseline = ADC zero 1024.
  assert.equal(rec.signals[0][0], Math.fround((995 - 1024) / 200));
  assert.equal(rec.signals[1][0], Math.fround((1011 - 1024) / 200));
  const counts: Record<string, number> = {};
  for (const b of rec.beats!) counts[b.aami] = (counts[b.aami] ?? 0) + 1;
  assert.equal(rec.beats!.length, 2273);
  assert.deepEqual(counts, { N: 2239, S: 33, V: 1 });
  // Non-beat annotations (rhythm "+" with aux "(N") stay in annotations only.
  assert.equal(rec.annotations![0].symbol, '+');
  assert.equal(rec.annotations![0].aux, '(N');
});

test('readWfdbRecordFromFiles gives the same record as readWfdbRecord (bytes, no file system)', () => {
  const files = new Map(['100.hea', '100.dat', '100.atr'].map((f) => [f, readFileSync(`${FIXTURES}${f}`)]));
  const fromBytes = readWfdbRecordFromFiles('100', files);
  const fromDisk = readWfdbRecord(`${FIXTURES}100.hea`);
  assert.deepEqual(fromBytes.signals, fromDisk.signals);
  assert.deepEqual(fromBytes.beats, fromDisk.beats);
  assert.deepEqual(fromBytes.header, fromDisk.header);
});

test('without the annotation file there are no reference beats', () => {
  const files = new Map(['119.hea', '119.dat'].map((f) => [f, readFileSync(`${FIXTURES}${f}`)]));
  const rec = readWfdbRecordFromFiles('119', files);
  assert.equal(rec.beats, undefined);
  assert.equal(rec.annotations, undefined);
  assert.equal(rec.signals[0].length, 650000);
});
