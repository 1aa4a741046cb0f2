import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  asyncBufferFromBytes,
  concatBeatResults,
  emptyBeatResults,
  readBeatResultsFooter,
  readBeatResultsParquet,
  writeBeatResultsParquet,
  type BeatResults,
  type BeatResultsMeta,
} from '@holterflow/formats';
import { parquetMetadata } from 'hyparquet';

function sampleResults(n: number, window: number, first = 0): BeatResults {
  const fs = 360;
  const samples = Int32Array.from({ length: n }, (_, i) => first + 300 * i + (i % 7));
  const probabilities = new Float32Array(n * 5);
  for (let i = 0; i < n; i++) probabilities[i * 5 + (i % 5)] = 0.75;
  return {
    samples,
    timeS: Float64Array.from(samples, (s) => s / fs),
    classes: Array.from({ length: n }, (_, i) => (['N', 'S', 'V', 'F', 'Q'] as const)[i % 5]),
    probabilities,
    rrPrevMs: Float32Array.from({ length: n }, (_, i) => (i === 0 ? NaN : 833.25 + i)),
    rrNextMs: Float32Array.from({ length: n }, (_, i) => (i === n - 1 ? NaN : -0 + i)),
    window: new Int32Array(n).fill(window),
  };
}

const meta: BeatResultsMeta = {
  runId: 'run1',
  recordId: '100',
  modelVersion: 'seed-1',
  fs: 360,
  start: 0,
  end: 648000,
  unreadable: [{ start: 3600, end: 7200, reason: 'flat' }],
};

test('beat results round-trip bit for bit (NaN and -0 included) with the contract columns in order', async () => {
  const results = sampleResults(1000, 3);
  results.rrNextMs[1] = -0;
  const bytes = writeBeatResultsParquet(results, meta);
  const back = await readBeatResultsParquet(asyncBufferFromBytes(bytes), 'part.parquet');
  assert.deepEqual(back.meta, meta);
  assert.deepEqual(back.results.samples, results.samples);
  assert.deepEqual(back.results.timeS, results.timeS);
  assert.deepEqual(back.results.classes, results.classes);
  assert.deepEqual(back.results.probabilities, results.probabilities);
  assert.deepEqual(back.results.window, results.window);
  const bits = (a: Float32Array) => new Uint32Array(a.buffer.slice(0));
  assert.deepEqual(bits(back.results.rrPrevMs), bits(results.rrPrevMs));
  assert.deepEqual(bits(back.results.rrNextMs), bits(results.rrNextMs));
  assert.equal(Object.is(back.results.rrNextMs[1], -0), true);
  const columns = parquetMetadata(bytes.slice().buffer)
    .schema.slice(1)
    .map((e) => e.name);
  assert.deepEqual(columns, [
    'sample',
    'time_s',
    'class',
    'p_N',
    'p_S',
    'p_V',
    'p_F',
    'p_Q',
    'rr_prev_ms',
    'rr_next_ms',
    'window',
  ]);
});

test('uncompressed parts (what classify writes) read back the same results, deterministically', async () => {
  const results = sampleResults(1000, 4);
  const plain = writeBeatResultsParquet(results, meta, 'UNCOMPRESSED');
  const gzipped = writeBeatResultsParquet(results, meta);
  const codecs = parquetMetadata(plain.slice().buffer).row_groups[0].columns.map((c) => c.meta_data?.codec);
  assert.ok(
    codecs.every((c) => c === 'UNCOMPRESSED'),
    `codecs ${codecs.join(', ')}`,
  );
  assert.deepEqual(Buffer.from(plain), Buffer.from(writeBeatResultsParquet(results, meta, 'UNCOMPRESSED')));
  const [a, b] = await Promise.all(
    [plain, gzipped].map((bytes) => readBeatResultsParquet(asyncBufferFromBytes(bytes), 'part.parquet')),
  );
  assert.deepEqual(a, b);
});

test('same results and metadata give the same bytes, whatever order the metadata keys were built in', () => {
  const a = writeBeatResultsParquet(sampleResults(500, 1), meta);
  const reordered: BeatResultsMeta = {
    unreadable: [{ reason: 'flat', end: 7200, start: 3600 } as BeatResultsMeta['unreadable'][number]],
    end: 648000,
    start: 0,
    fs: 360,
    modelVersion: 'seed-1',
    recordId: '100',
    runId: 'run1',
  };
  const b = writeBeatResultsParquet(sampleResults(500, 1), reordered);
  assert.deepEqual(Buffer.from(a), Buffer.from(b));
  const c = writeBeatResultsParquet(sampleResults(500, 2), meta);
  assert.notDeepEqual(Buffer.from(a), Buffer.from(c));
});

test('an empty part (a window without beats) is a valid file with its metadata', async () => {
  const bytes = writeBeatResultsParquet(emptyBeatResults(), { ...meta, unreadable: [] });
  const back = await readBeatResultsParquet(asyncBufferFromBytes(bytes));
  assert.equal(back.results.samples.length, 0);
  const footer = await readBeatResultsFooter(asyncBufferFromBytes(bytes));
  assert.deepEqual([footer.beats, footer.meta.unreadable], [0, []]);
});

test('more beats than one row group still read back in order; concat keeps window order', async () => {
  const a = sampleResults(70_000, 0);
  const b = sampleResults(10, 1, 300 * 70_000 + 1000);
  const merged = concatBeatResults([a, b]);
  const back = await readBeatResultsParquet(asyncBufferFromBytes(writeBeatResultsParquet(merged, meta)));
  assert.equal(back.results.samples.length, 70_010);
  assert.deepEqual(back.results.samples, merged.samples);
  assert.equal(back.results.window[69_999], 0);
  assert.equal(back.results.window[70_000], 1);
  assert.deepEqual(back.results.probabilities, merged.probabilities);
});

test('inconsistent arrays and foreign files are refused with the reason', async () => {
  const bad = { ...sampleResults(10, 0), classes: [] };
  assert.throws(() => writeBeatResultsParquet(bad, meta), /classes has 0 values for 10 beats/);
  await assert.rejects(
    readBeatResultsParquet(asyncBufferFromBytes(new Uint8Array(64)), 'parts/000001.parquet'),
    /parts\/000001\.parquet is not a readable Parquet file/,
  );
});
