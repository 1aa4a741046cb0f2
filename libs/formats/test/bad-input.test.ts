/** Every bad input gives a RecordInputError that names the record, the file and the problem. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RecordInputError } from '@holterflow/contracts';
import {
  asyncBufferFromBytes,
  openRecording,
  readEdfRecording,
  readRecordingMeta,
  readRecordingSamples,
  readReferenceBeats,
  readWfdbRecordFromFiles,
  writeEdf,
  writeRecordingArrow,
  writeRecordingParquet,
} from '@holterflow/formats';
import { ByteWriter, parquetWrite, type ColumnSource } from 'hyparquet-writer';
import { FIXTURES } from './support/paths.js';
import { files } from './support/wfdb-bytes.js';

function inputError(recordId: string, file: string, problem: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof RecordInputError, `expected RecordInputError, got ${String(err)}`);
    assert.equal(err.recordId, recordId);
    assert.equal(err.file, file);
    assert.match(err.problem, problem);
    return true;
  };
}

const hea100 = readFileSync(`${FIXTURES}100.hea`);
const dat100 = readFileSync(`${FIXTURES}100.dat`);

test('WFDB: missing .dat', () => {
  assert.throws(
    () => readWfdbRecordFromFiles('100', new Map([['100.hea', hea100]])),
    inputError('100', '100.dat', /data file 100\.dat is missing/),
  );
});

test('WFDB: truncated .dat', () => {
  assert.throws(
    () =>
      readWfdbRecordFromFiles(
        '100',
        new Map([
          ['100.hea', hea100],
          ['100.dat', dat100.subarray(0, 1000000)],
        ]),
      ),
    inputError(
      '100',
      '100.dat',
      /data file is truncated: header says 650000 samples per signal \(1950000 bytes\) but the file holds 333333/,
    ),
  );
});

test('WFDB: header/data length mismatch (data longer than the header says)', () => {
  const hea = hea100.toString('latin1').replace('100 2 360 650000', '100 2 360 600000');
  assert.throws(
    () =>
      readWfdbRecordFromFiles(
        '100',
        new Map([
          ['100.hea', Buffer.from(hea)],
          ['100.dat', dat100],
        ]),
      ),
    inputError(
      '100',
      '100.dat',
      /header\/data length mismatch: header says 600000 samples per signal \(1800000 bytes\) but the file has 1950000 bytes/,
    ),
  );
});

test('WFDB: unknown signal format', () => {
  assert.throws(
    () =>
      readWfdbRecordFromFiles(
        'u',
        files({ 'u.hea': 'u 1 360 2\nu.dat 24 200 24 0 0 0 0 II\n', 'u.dat': [0, 0, 0, 0, 0, 0] }),
      ),
    inputError('u', 'u.dat', /unsupported WFDB signal format 24 \(supported: 212, 16, 80, 310, 311\)/),
  );
});

test('WFDB: missing header, and a record without any voltage signal', () => {
  assert.throws(
    () => readWfdbRecordFromFiles('h', new Map()),
    inputError('h', 'h.hea', /header file not found/),
  );
  assert.throws(
    () =>
      readWfdbRecordFromFiles(
        'p',
        files({ 'p.hea': 'p 1 125 1\np.dat 16 1/mmHg 16 0 0 0 0 ABP\n', 'p.dat': [0, 0] }),
      ),
    inputError('p', 'p.hea', /no ECG signal: no signal is in a voltage unit \(ABP mmHg\)/),
  );
});

test('EDF: bad header fields are named', () => {
  const good = writeEdf([{ label: 'ECG', fs: 4, samples: [0, 1, 2, 3], physicalMin: -5, physicalMax: 5 }]);
  const broken = (offset: number, text: string) => {
    const b = good.slice();
    b.set(new TextEncoder().encode(text), offset);
    return b;
  };
  assert.throws(
    () => readEdfRecording('e', broken(0, 'X'), 'e.edf'),
    inputError('e', 'e.edf', /EDF header field "version" is "X"/),
  );
  assert.throws(
    () => readEdfRecording('e', broken(252, 'ab  '), 'e.edf'),
    inputError('e', 'e.edf', /EDF header field "number of signals" is "ab", expected a positive integer/),
  );
  assert.throws(
    () => readEdfRecording('e', broken(244, '0       '), 'e.edf'),
    inputError('e', 'e.edf', /EDF header field "duration of a data record" is "0"/),
  );
  // Per-signal fields start at 256: label 16, transducer 80, dimension 8, physical min at 360.
  assert.throws(
    () => readEdfRecording('e', broken(360, 'abc     '), 'e.edf'),
    inputError(
      'e',
      'e.edf',
      /EDF header field "physical minimum \(signal 1 "ECG"\)" is "abc", expected a number/,
    ),
  );
  assert.throws(
    () => readEdfRecording('e', good.subarray(0, 100), 'e.edf'),
    inputError('e', 'e.edf', /not an EDF file: 100 bytes/),
  );
  assert.throws(
    () => readEdfRecording('e', good.subarray(0, good.length - 2), 'e.edf'),
    inputError(
      'e',
      'e.edf',
      /data is truncated: header says 1 data records \(8 bytes\) but the file has 6 bytes/,
    ),
  );
});

test('Parquet: not a Parquet file, and a corrupt footer', async () => {
  await assert.rejects(
    readRecordingMeta(
      asyncBufferFromBytes(new TextEncoder().encode('this is a CSV file, not Parquet')),
      'in/9.parquet',
    ),
    inputError('9', 'in/9.parquet', /not a Parquet file or its footer is corrupt/),
  );
  const good = writeRecordingParquet({
    recordId: '9',
    fs: 360,
    leads: ['II'],
    signals: [new Float32Array(1000)],
    source: 't',
  });
  const corrupt = good.slice();
  corrupt.fill(0xff, corrupt.length - 60, corrupt.length - 8); // damage the footer, keep "PAR1"
  await assert.rejects(
    readRecordingMeta(asyncBufferFromBytes(corrupt), 'in/9.parquet'),
    inputError('9', 'in/9.parquet', /not a Parquet file or its footer is corrupt/),
  );
  await assert.rejects(
    readRecordingMeta(asyncBufferFromBytes(good.subarray(0, good.length - 100)), 'in/9.parquet'),
    inputError('9', 'in/9.parquet', /not a Parquet file or its footer is corrupt/),
  );
});

/** A Parquet file made without our writer, to get metadata and columns ours never writes. */
function foreignParquet(columns: ColumnSource[], kv: Record<string, string>): Uint8Array {
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    columnData: columns,
    kvMetadata: Object.entries(kv).map(([key, value]) => ({ key, value })),
  });
  return writer.getBytes();
}
const f32 = (name: string): ColumnSource => ({ name, data: new Float32Array([1, 2, 3]), type: 'FLOAT' });

test('Parquet: missing or invalid holterflow.fs', async () => {
  await assert.rejects(
    readRecordingMeta(asyncBufferFromBytes(foreignParquet([f32('II')], {})), 'r1.parquet'),
    inputError('r1', 'r1.parquet', /metadata key holterflow\.fs \(sampling rate in Hz\) is missing/),
  );
  await assert.rejects(
    readRecordingMeta(
      asyncBufferFromBytes(foreignParquet([f32('II')], { 'holterflow.fs': '-360' })),
      'r1.parquet',
    ),
    inputError('r1', 'r1.parquet', /holterflow\.fs = "-360" is not a positive number/),
  );
});

test('Parquet: no lead columns, wrong column type, lead names that do not match the columns', async () => {
  const fs = { 'holterflow.fs': '360', 'holterflow.record_id': 'r2' };
  const cases: [ColumnSource[], Record<string, string>, RegExp][] = [
    [[f32('II')], { ...fs, 'holterflow.leads': '[]' }, /recording has no lead columns/],
    [
      [{ name: 'II', data: new Int32Array([1, 2, 3]), type: 'INT32' }],
      { ...fs, 'holterflow.leads': '["II"]' },
      /lead column II is not float32/,
    ],
    [[{ name: 'II', data: [1, 2, 3], type: 'DOUBLE' }], fs, /recording has no lead columns/],
    [
      [f32('II')],
      { ...fs, 'holterflow.leads': '["II","V5"]' },
      /lead V5 is named in holterflow\.leads but has no column/,
    ],
    [
      [f32('II'), f32('V5')],
      { ...fs, 'holterflow.leads': '["II"]' },
      /columns V5 are not named in holterflow\.leads/,
    ],
    [
      [f32('II'), { name: 't', data: [1, 2, 3], type: 'DOUBLE' }],
      { ...fs, 'holterflow.leads': 'II' },
      /columns t are not float32 lead columns/,
    ],
    [[f32('II')], { ...fs, 'holterflow.units': 'uV' }, /holterflow\.units = "uV", expected mV/],
  ];
  for (const [columns, kv, problem] of cases)
    await assert.rejects(
      readRecordingMeta(asyncBufferFromBytes(foreignParquet(columns, kv)), 'r2.parquet'),
      inputError('r2', 'r2.parquet', problem),
    );
  // A comma-separated lead list from another tool is accepted.
  const ok = await readRecordingMeta(
    asyncBufferFromBytes(foreignParquet([f32('II'), f32('V5')], { ...fs, 'holterflow.leads': 'II, V5' })),
    'r2.parquet',
  );
  assert.deepEqual(ok.leads, ['II', 'V5']);
});

test('Arrow: corrupt file', async () => {
  const good = writeRecordingArrow({
    recordId: 'a',
    fs: 360,
    leads: ['II'],
    signals: [new Float32Array(10)],
    source: 't',
  });
  await assert.rejects(
    openRecording('a.arrow', asyncBufferFromBytes(good.subarray(0, 50))),
    inputError('a', 'a.arrow', /not an Arrow IPC file or it is corrupt/),
  );
});

test('recordings that cannot be written are refused', () => {
  assert.throws(
    () =>
      writeRecordingParquet({
        recordId: 'w',
        fs: 360,
        leads: ['II', 'II'],
        signals: [new Float32Array(2), new Float32Array(2)],
        source: 't',
      }),
    /record w: lead names are not unique: II, II/,
  );
  assert.throws(
    () =>
      writeRecordingParquet({
        recordId: 'w',
        fs: 360,
        leads: ['I', 'II'],
        signals: [new Float32Array(2), new Float32Array(3)],
        source: 't',
      }),
    /record w: leads have different sample counts/,
  );
});

test('WFDB: skewed signals are refused rather than misaligned', () => {
  assert.throws(
    () =>
      readWfdbRecordFromFiles(
        'k',
        files({ 'k.hea': 'k 1 360 1\nk.dat 16:2 200 16 0 0 0 0 II\n', 'k.dat': [0, 0] }),
      ),
    inputError('k', 'k.hea', /signal 0: skewed signals \("16:2"\) are not supported/),
  );
});

test('a failing read of the object is passed through, not blamed on the recording', async () => {
  const bytes = writeRecordingParquet({
    recordId: 'n',
    fs: 360,
    leads: ['II'],
    signals: [new Float32Array(5000)],
    source: 't',
  });
  const meta = await readRecordingMeta(asyncBufferFromBytes(bytes), 'n.parquet');
  // Fakes the storage boundary (an S3 ranged GET that times out): the one thing not ours here.
  const timeout = new Error('socket hang up');
  const failing = { byteLength: bytes.byteLength, slice: async () => Promise.reject(timeout) };
  await assert.rejects(readRecordingMeta(failing, 'n.parquet'), (err) => err === timeout);
  await assert.rejects(
    readRecordingSamples(failing, 0, 10, undefined, meta, 'n.parquet'),
    (err) => err === timeout,
  );
  await assert.rejects(readReferenceBeats(failing, 'n.beats.parquet'), (err) => err === timeout);
});
