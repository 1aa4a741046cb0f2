/**
 * The fast float32 column path of readRecordingSamples against hyparquet's parquetRead (the
 * reference, and the fallback): bit-identical values for every layout our writer has and for
 * page shapes other writers produce (v1 pages, dictionary chunks falling back to PLAIN pages).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordInputError } from '@holterflow/contracts';
import {
  asyncBufferFromBytes,
  countingAsyncBuffer,
  readRecordingMeta,
  readRecordingSamples,
  recordingKeyValues,
  writeRecordingParquet,
  type AsyncBuffer,
  type EcgRecording,
  type RecordingCodec,
  type RecordingEncoding,
} from '@holterflow/formats';
import { parquetMetadata, parquetRead } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { parquetCompressors } from '../src/canonical/compressors.js';
import { planFloatWindow, readFloatWindow } from '../src/canonical/float-window.js';
import { bits, fixtureRecording } from './support/recordings.js';
import { pagedRecordingParquet, type PageSpec, type PagedLayout } from './support/paged-parquet.js';

const ROWS = 120_000;
const GROUP = 50_000; // groups [0, 50k), [50k, 100k), [100k, 120k)

/** Record 100's first ROWS samples: real ADC-quantised ECG, two leads. */
function shortRecording(): EcgRecording {
  const rec = fixtureRecording('100');
  return { ...rec, signals: rec.signals.map((s) => s.slice(0, ROWS)) };
}

/** Windows at row-group and page edges, single rows, and the whole record. */
const WINDOWS: [number, number][] = [
  [0, ROWS],
  [0, 1],
  [ROWS - 1, ROWS],
  [GROUP - 1, GROUP + 1],
  [GROUP, 2 * GROUP],
  [GROUP, GROUP + 1],
  [12_345, 2 * GROUP + 7_000],
  [2 * GROUP - 1, ROWS],
  [20_000, 20_000],
];

/** hyparquet's values for the window, as the reader produced them before the fast path. */
async function referenceWindow(bytes: Uint8Array, leads: string[], start: number, end: number) {
  const out = leads.map(() => new Float32Array(end - start));
  if (start === end) return out;
  await parquetRead({
    file: asyncBufferFromBytes(bytes),
    columns: leads,
    rowStart: start,
    rowEnd: end,
    compressors: parquetCompressors,
    onChunk: ({ columnName, columnData, rowStart }) => {
      const target = out[leads.indexOf(columnName)];
      for (let r = Math.max(start, rowStart); r < Math.min(end, rowStart + columnData.length); r++)
        target[r - start] = columnData[r - rowStart] as number;
    },
  });
  return out;
}

/**
 * Every window through the fast path alone and through readRecordingSamples equals the reference,
 * and the reference equals the recording written (so neither side is wrong the same way).
 */
async function assertFastEqualsReference(bytes: Uint8Array, label: string, rec: EcgRecording): Promise<void> {
  const file = asyncBufferFromBytes(bytes);
  const meta = await readRecordingMeta(file, 'r.parquet');
  const footer = parquetMetadata(bytes.slice().buffer);
  for (const [start, end] of WINDOWS) {
    for (const leads of [meta.leads, [meta.leads[1]]]) {
      const where = `${label} [${start}, ${end}) ${leads.join('+')}`;
      const expected = await referenceWindow(bytes, leads, start, end);
      const plan = planFloatWindow(footer, leads, start, end, parquetCompressors);
      assert.ok(plan, `${where}: the fast path takes the file`);
      const fast = leads.map(() => new Float32Array(end - start));
      assert.equal(
        await readFloatWindow(file, plan, fast, parquetCompressors),
        true,
        `${where}: decoded fast`,
      );
      const read = await readRecordingSamples(file, start, end, leads, meta, 'r.parquet');
      for (const i of leads.keys()) {
        const source = rec.signals[rec.leads.indexOf(leads[i])].subarray(start, end);
        assert.deepEqual(bits(expected[i]), bits(source), `${where}: reference`);
        assert.deepEqual(bits(fast[i]), bits(expected[i]), `${where}: fast path`);
        assert.deepEqual(bits(read[i]), bits(expected[i]), `${where}: readRecordingSamples`);
      }
    }
  }
}

test('every codec and encoding our writer has reads bit-identically to hyparquet', async () => {
  const rec = shortRecording();
  const encodings: RecordingEncoding[] = ['AUTO', 'RLE_DICTIONARY', 'PLAIN', 'BYTE_STREAM_SPLIT'];
  const codecs: RecordingCodec[] = ['GZIP', 'SNAPPY', 'UNCOMPRESSED'];
  for (const encoding of encodings)
    for (const codec of codecs)
      await assertFastEqualsReference(
        writeRecordingParquet(rec, { encoding, codec, rowGroupSize: GROUP }),
        `${encoding}/${codec}`,
        rec,
      );
});

/** Splits a group's rows into pages of the given shapes, the last page taking the rest. */
function pagesOf(shapes: Omit<PageSpec, 'rows'>[], groupRows: number): PageSpec[] {
  const size = Math.ceil(groupRows / shapes.length);
  return shapes.map((shape, i) => ({
    ...shape,
    rows: Math.min(size, groupRows - i * size),
  }));
}

test('v1 data pages, v2 pages stored uncompressed, BYTE_STREAM_SPLIT pages, and chunks mixing dictionary and PLAIN pages', async () => {
  const rec = shortRecording();
  const layouts: Record<string, PagedLayout['pages']> = {
    'v1 dictionary': (_, n) => pagesOf([{ version: 1, encoding: 'RLE_DICTIONARY' }], n),
    'v1 PLAIN_DICTIONARY, 3 pages': (_, n) =>
      pagesOf(Array(3).fill({ version: 1, encoding: 'PLAIN_DICTIONARY' }), n),
    // What pyarrow writes when the dictionary outgrows its limit: dictionary pages, then PLAIN.
    'dictionary then PLAIN fallback (v1)': (_, n) =>
      pagesOf(
        [
          { version: 1, encoding: 'RLE_DICTIONARY' },
          { version: 1, encoding: 'RLE_DICTIONARY' },
          { version: 1, encoding: 'PLAIN' },
          { version: 1, encoding: 'PLAIN' },
        ],
        n,
      ),
    'dictionary then PLAIN fallback (v2), group 1 PLAIN only': (g, n) =>
      g === 1
        ? pagesOf([{ version: 2, encoding: 'PLAIN' }], n)
        : pagesOf(
            [
              { version: 2, encoding: 'RLE_DICTIONARY' },
              { version: 2, encoding: 'PLAIN' },
            ],
            n,
          ),
    'v2 uncompressed pages under a codec, mixed with v1 and BYTE_STREAM_SPLIT': (_, n) =>
      pagesOf(
        [
          { version: 2, encoding: 'RLE_DICTIONARY', compressed: false },
          { version: 1, encoding: 'BYTE_STREAM_SPLIT' },
          { version: 2, encoding: 'PLAIN', compressed: false },
          { version: 2, encoding: 'BYTE_STREAM_SPLIT' },
        ],
        n,
      ),
  };
  for (const [name, pages] of Object.entries(layouts))
    for (const codec of ['GZIP', 'SNAPPY', 'UNCOMPRESSED'] as const)
      await assertFastEqualsReference(
        pagedRecordingParquet(rec, { rowGroupSize: GROUP, codec, pages }),
        `${name}/${codec}`,
        rec,
      );
});

test('a window is fetched in one ranged read, however many row groups and leads it spans', async () => {
  const rec = shortRecording();
  const bytes = writeRecordingParquet(rec, { rowGroupSize: 10_000 });
  const meta = await readRecordingMeta(asyncBufferFromBytes(bytes));
  const footer = parquetMetadata(bytes.slice().buffer);
  const { file, counter } = countingAsyncBuffer(asyncBufferFromBytes(bytes));
  await readRecordingSamples(file, 15_000, 95_000, undefined, meta);
  assert.equal(counter.requests, 1);
  // Exactly groups 1..9 of both leads, nothing else.
  const groupBytes = footer.row_groups.map((g) =>
    g.columns.reduce((s, c) => s + Number(c.meta_data!.total_compressed_size), 0),
  );
  assert.equal(
    counter.bytes,
    groupBytes.slice(1, 10).reduce((s, b) => s + b, 0),
  );
  counter.requests = 0;
  await readRecordingSamples(file, 0, ROWS, ['V5'], meta);
  assert.equal(counter.requests, 1);
});

/** A Parquet file with OPTIONAL float columns (hyparquet-writer's default), which the fast path leaves to hyparquet. */
function nullableRecordingParquet(rec: EcgRecording): Uint8Array {
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    columnData: rec.leads.map((name, i) => ({ name, data: rec.signals[i], type: 'FLOAT', nullable: true })),
    rowGroupSize: GROUP,
    kvMetadata: recordingKeyValues(rec),
  });
  return new Uint8Array(writer.getBuffer());
}

test('files outside the fast path (nullable columns) still read through hyparquet, unchanged', async () => {
  const rec = shortRecording();
  const bytes = nullableRecordingParquet(rec);
  const file = asyncBufferFromBytes(bytes);
  const meta = await readRecordingMeta(file, '100.parquet');
  assert.equal(
    planFloatWindow(parquetMetadata(bytes.slice().buffer), meta.leads, 0, ROWS, parquetCompressors),
    undefined,
  );
  for (const [start, end] of WINDOWS) {
    const read = await readRecordingSamples(file, start, end, undefined, meta);
    const expected = await referenceWindow(bytes, meta.leads, start, end);
    for (const i of meta.leads.keys())
      assert.deepEqual(bits(read[i]), bits(expected[i]), `[${start}, ${end})`);
  }
  const [mlii] = await readRecordingSamples(file, 0, ROWS, ['MLII'], meta);
  assert.deepEqual(bits(mlii), bits(rec.signals[0]));
});

async function assertCorrupt(file: AsyncBuffer, problem: RegExp, start = 0, end = ROWS): Promise<void> {
  const meta = await readRecordingMeta(file, 'in/100.parquet');
  await assert.rejects(readRecordingSamples(file, start, end, undefined, meta, 'in/100.parquet'), (err) => {
    assert.ok(err instanceof RecordInputError, `RecordInputError, got ${String(err)}`);
    assert.equal(err.recordId, '100');
    assert.match(err.message, /sample data is corrupt/);
    assert.match(err.message, problem);
    return true;
  });
}

test('truncated pages and a bad bit width are a RecordInputError naming the record, never garbage', async () => {
  const rec = shortRecording();
  const truncated = (spec: Omit<PageSpec, 'rows'>, keep: number): PagedLayout => ({
    rowGroupSize: GROUP,
    codec: 'UNCOMPRESSED',
    pages: (g, n) =>
      g === 1
        ? [
            { version: 1, encoding: 'PLAIN', rows: n - 1000 },
            { ...spec, rows: 1000, truncateValuesTo: keep },
          ]
        : [{ version: 1, encoding: 'PLAIN', rows: n }],
  });
  // A PLAIN page holding 999 of its 1000 floats.
  const plain = pagedRecordingParquet(rec, truncated({ version: 2, encoding: 'PLAIN' }, 3996));
  await assertCorrupt(asyncBufferFromBytes(plain), /PLAIN page of 1000 floats in 3996 bytes/);
  // Windows before the bad page still read: only the pages a window needs are decoded.
  const meta = await readRecordingMeta(asyncBufferFromBytes(plain), 'in/100.parquet');
  const [early] = await readRecordingSamples(
    asyncBufferFromBytes(plain),
    0,
    2 * GROUP - 1000,
    ['MLII'],
    meta,
  );
  assert.deepEqual(bits(early), bits(rec.signals[0].subarray(0, 2 * GROUP - 1000)));
  // A header declaring a gigabyte for a 1000-row page is refused before anything is allocated.
  const huge = pagedRecordingParquet(rec, {
    rowGroupSize: GROUP,
    codec: 'SNAPPY',
    pages: (g, n) => [
      { version: 1, encoding: 'PLAIN', rows: n, declaredUncompressedSize: g === 2 ? 2 ** 30 : undefined },
    ],
  });
  await assertCorrupt(asyncBufferFromBytes(huge), /page declares 1073741824 bytes for a chunk of 20000 rows/);
  // Dictionary indices cut in the middle of their runs.
  const dict = pagedRecordingParquet(rec, truncated({ version: 1, encoding: 'RLE_DICTIONARY' }, 40));
  await assertCorrupt(asyncBufferFromBytes(dict), /runs past the page|indices end after/);

  // The bit width byte of group 0's dictionary-encoded data page of lead MLII set to 0xff.
  const bytes = writeRecordingParquet(rec, {
    encoding: 'RLE_DICTIONARY',
    codec: 'UNCOMPRESSED',
    rowGroupSize: GROUP,
  });
  const footer = parquetMetadata(bytes.slice().buffer);
  const dataPage = Number(footer.row_groups[0].columns[0].meta_data!.data_page_offset);
  const widthByte = dataPage + pageHeaderLength(bytes, dataPage);
  assert.ok(bytes[widthByte] > 0 && bytes[widthByte] <= 16, 'found the bit width byte');
  const badWidth = bytes.slice();
  badWidth[widthByte] = 0xff;
  await assertCorrupt(asyncBufferFromBytes(badWidth), /bad dictionary index bit width 255/);
  // A width that is valid but wrong reads indices outside the dictionary.
  const wrongWidth = bytes.slice();
  wrongWidth[widthByte] = 24;
  await assertCorrupt(
    asyncBufferFromBytes(wrongWidth),
    /dictionary index \d+ out of \d+ entries|runs past the page/,
  );

  // A damaged GZIP page.
  const gz = writeRecordingParquet(rec, { codec: 'GZIP', rowGroupSize: GROUP });
  const gzFooter = parquetMetadata(gz.slice().buffer);
  const gzPage = Number(gzFooter.row_groups[2].columns[1].meta_data!.data_page_offset);
  const damaged = gz.slice();
  damaged.fill(0, gzPage + pageHeaderLength(gz, gzPage) + 10, gzPage + pageHeaderLength(gz, gzPage) + 60);
  await assertCorrupt(asyncBufferFromBytes(damaged), /./, 2 * GROUP, ROWS);
});

/** Length of the Thrift page header at `offset` (a compact struct: walk it with hyparquet). */
function pageHeaderLength(bytes: Uint8Array, offset: number): number {
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset };
  parquetHeader(reader);
  return reader.offset - offset;
}
