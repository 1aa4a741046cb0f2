import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  asyncBufferFromBytes,
  openRecording,
  readReferenceBeats,
  readWfdbRecord,
  writeRecordingArrow,
  writeRecordingParquet,
  writeReferenceBeatsParquet,
} from '@holterflow/formats';
import { FIXTURES } from './support/paths.js';
import { bits, fixtureRecording } from './support/recordings.js';

test('Arrow IPC round-trips bit-exactly with the same metadata as Parquet', async () => {
  const rec = { ...fixtureRecording('232'), start: '2001-07-01T09:15:00' };
  const arrow = await openRecording(
    's/232.arrow',
    asyncBufferFromBytes(writeRecordingArrow(rec, { batchSize: 300000 })),
  );
  const parquet = await openRecording(
    's/232.parquet',
    asyncBufferFromBytes(writeRecordingParquet(rec, { rowGroupSize: 300000 })),
  );
  assert.deepEqual(arrow.meta, parquet.meta);
  assert.deepEqual(arrow.meta.rowGroups, [
    { start: 0, count: 300000 },
    { start: 300000, count: 300000 },
    { start: 600000, count: 50000 },
  ]);
  assert.equal(arrow.meta.start, '2001-07-01T09:15:00');
  const all = await arrow.readAll();
  for (let i = 0; i < 2; i++) assert.deepEqual(bits(all.signals[i]), bits(rec.signals[i]));
  const [v1] = await arrow.readSamples(299990, 300010, ['V1']);
  assert.deepEqual(bits(v1), bits(rec.signals[1].subarray(299990, 300010)));
  const [pv1] = await parquet.readSamples(299990, 300010, ['V1']);
  assert.deepEqual(bits(pv1), bits(v1));
});

test('openRecording refuses other extensions', async () => {
  await assert.rejects(
    openRecording('x/100.csv', asyncBufferFromBytes(new Uint8Array(10))),
    /record 100 \(x\/100\.csv\): unknown recording format: expected \.parquet or \.arrow/,
  );
});

test('reference beats round-trip through <id>.beats.parquet', async () => {
  const beats = readWfdbRecord(`${FIXTURES}208.hea`).beats!;
  const back = await readReferenceBeats(
    asyncBufferFromBytes(writeReferenceBeatsParquet(beats)),
    '208.beats.parquet',
  );
  assert.equal(back.length, 2955);
  assert.deepEqual(back, beats);
  assert.deepEqual(new Set(back.map((b) => b.aami)), new Set(['N', 'S', 'V', 'F', 'Q']));
});

test('reference beats with an unknown AAMI class are refused', async () => {
  const bytes = writeReferenceBeatsParquet([{ sample: 5, symbol: 'N', aami: 'X' as 'N' }]);
  await assert.rejects(
    readReferenceBeats(asyncBufferFromBytes(bytes), '7.beats.parquet'),
    /record 7 \(7\.beats\.parquet\): row 0: aami X is not one of N, S, V, F, Q/,
  );
});
