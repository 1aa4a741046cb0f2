import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_RECORDING_LAYOUT,
  asyncBufferFromBytes,
  countingAsyncBuffer,
  readRecording,
  readRecordingMeta,
  readRecordingSamples,
  writeRecordingParquet,
  type EcgRecording,
} from '@holterflow/formats';
import { parquetMetadata } from 'hyparquet';
import { bits, fixtureRecording } from './support/recordings.js';

test('record 100 round-trips bit-exactly with its metadata', async () => {
  const rec = fixtureRecording('100');
  const bytes = writeRecordingParquet(rec);
  const back = await readRecording(asyncBufferFromBytes(bytes), '100.parquet');
  assert.equal(back.recordId, '100');
  assert.equal(back.fs, 360);
  assert.deepEqual(back.leads, ['MLII', 'V5']);
  assert.equal(back.source, 'wfdb:212');
  assert.equal(back.start, undefined);
  for (let i = 0; i < 2; i++) assert.deepEqual(bits(back.signals[i]), bits(rec.signals[i]));
});

test('NaN, -0, and non-quantised floats round-trip bit-exactly (any encoding)', async () => {
  const n = 5000;
  const noisy = Float32Array.from(
    { length: n },
    (_, i) => Math.sin(i * 0.37) * 1.7 + Math.cos(i * 0.011) / 3,
  );
  const special = Float32Array.from({ length: n }, (_, i) => [0, -0, NaN, 1e-30, -3.4e38, 0.1][i % 6]);
  const rec: EcgRecording = {
    recordId: 'syn',
    fs: 500,
    leads: ['I', 'II'],
    signals: [noisy, special],
    start: '2024-03-01T10:00:00',
    source: 'test',
  };
  for (const encoding of ['AUTO', 'PLAIN', 'BYTE_STREAM_SPLIT', 'RLE_DICTIONARY'] as const) {
    for (const codec of ['GZIP', 'SNAPPY', 'UNCOMPRESSED'] as const) {
      const back = await readRecording(
        asyncBufferFromBytes(writeRecordingParquet(rec, { encoding, codec, rowGroupSize: 1000 })),
      );
      assert.deepEqual(bits(back.signals[0]), bits(noisy), `${encoding}/${codec} lead I`);
      assert.deepEqual(bits(back.signals[1]), bits(special), `${encoding}/${codec} lead II`);
      assert.equal(back.start, '2024-03-01T10:00:00');
    }
  }
});

test('readRecordingMeta reads only the footer, in one request', async () => {
  const bytes = writeRecordingParquet(fixtureRecording('105'), { rowGroupSize: 100000 });
  const { file, counter } = countingAsyncBuffer(asyncBufferFromBytes(bytes));
  const meta = await readRecordingMeta(file, 'archive/105.parquet');
  assert.deepEqual(meta, {
    recordId: '105',
    fs: 360,
    leads: ['MLII', 'V1'],
    source: 'wfdb:212',
    units: 'mV',
    numSamples: 650000,
    rowGroupSize: 100000,
    rowGroups: [0, 1, 2, 3, 4, 5, 6].map((k) => ({ start: k * 100000, count: k < 6 ? 100000 : 50000 })),
  });
  assert.equal(counter.requests, 1);
  assert.ok(counter.bytes <= 64 * 1024, `${counter.bytes} bytes read for the footer`);
  // The meta is plain data (the coordinator stores it in run manifests).
  assert.deepEqual(JSON.parse(JSON.stringify(meta)), meta);
});

test('sample windows equal the source slice, for any lead subset and across row-group edges', async () => {
  const rec = fixtureRecording('119');
  const bytes = writeRecordingParquet(rec, { rowGroupSize: 50000 });
  const file = asyncBufferFromBytes(bytes);
  const meta = await readRecordingMeta(file);
  for (const [start, end] of [
    [0, 1],
    [49990, 50010],
    [123456, 234567],
    [649999, 650000],
    [0, 650000],
    [300, 300],
  ]) {
    const [v1, mlii] = await readRecordingSamples(file, start, end, ['V1', 'MLII'], meta);
    assert.deepEqual(bits(v1), bits(rec.signals[1].subarray(start, end)), `V1 [${start}, ${end})`);
    assert.deepEqual(bits(mlii), bits(rec.signals[0].subarray(start, end)), `MLII [${start}, ${end})`);
  }
  await assert.rejects(readRecordingSamples(file, 10, 650001, undefined, meta), RangeError);
  await assert.rejects(
    readRecordingSamples(file, 0, 10, ['V5'], meta),
    /lead V5 is not in the recording \(has MLII, V1\)/,
  );
});

test('a window fetches only the row groups it overlaps', async () => {
  const rec = fixtureRecording('208');
  const rowGroupSize = 65000; // 10 groups of 65,000 rows
  const bytes = writeRecordingParquet(rec, { rowGroupSize });
  const meta = await readRecordingMeta(asyncBufferFromBytes(bytes));
  const groupBytes = parquetMetadata(bytes.slice().buffer).row_groups.map((g) =>
    g.columns.reduce((s, c) => s + Number(c.meta_data!.total_compressed_size), 0),
  );
  const { file, counter } = countingAsyncBuffer(asyncBufferFromBytes(bytes));
  await readRecordingSamples(file, 3 * rowGroupSize + 10, 4 * rowGroupSize + 10, ['MLII', 'V1'], meta);
  // Groups 3 and 4 overlap the window; nothing else is fetched (the footer came with `meta`).
  assert.equal(counter.bytes, groupBytes[3] + groupBytes[4]);
});

test(`the default layout reads a 10-minute window as well under 10% of a 6-hour object`, async () => {
  // 6 h of one real lead (record 100 MLII repeated) at 360 Hz in default-size row groups.
  const source = fixtureRecording('100').signals[0];
  const n = 6 * 3600 * 360;
  const lead = new Float32Array(n);
  for (let off = 0; off < n; off += source.length)
    lead.set(source.subarray(0, Math.min(source.length, n - off)), off);
  const bytes = writeRecordingParquet({
    recordId: 'long',
    fs: 360,
    leads: ['MLII'],
    signals: [lead],
    source: 'test',
  });
  const { file, counter } = countingAsyncBuffer(asyncBufferFromBytes(bytes));
  const meta = await readRecordingMeta(file, 'long.parquet');
  assert.equal(meta.rowGroupSize, DEFAULT_RECORDING_LAYOUT.rowGroupSize);
  const start = 3 * 3600 * 360 + 777; // not aligned to a row group
  const window = await readRecordingSamples(file, start, start + 10 * 60 * 360, undefined, meta);
  assert.deepEqual(bits(window[0]), bits(lead.subarray(start, start + 10 * 60 * 360)));
  const fraction = counter.bytes / bytes.byteLength;
  assert.ok(
    fraction < 0.1,
    `read ${counter.bytes} of ${bytes.byteLength} bytes (${(100 * fraction).toFixed(1)}%)`,
  );
});
