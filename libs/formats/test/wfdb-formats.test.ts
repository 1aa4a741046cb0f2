import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readWfdbRecordFromFiles } from '@holterflow/formats';
import { checksum, files, words } from './support/wfdb-bytes.js';

/** What the reader must produce for digital value d: (d - baseline) / gain, in mV. */
const mv = (d: number, baseline: number, gainPerMv: number) => Math.fround((d - baseline) / gainPerMv);

test('format 16: two interleaved signals, baseline, uV units, invalid sample → NaN', () => {
  const a = [10, 110, -32768, -90];
  const b = [0, 2000, -2000, 32767];
  const interleaved = a.flatMap((v, i) => [v, b[i]]);
  const dat = new Uint8Array(new Int16Array(interleaved).buffer);
  const rec = readWfdbRecordFromFiles(
    't16',
    files({
      't16.hea': `t16 2 250 4\nt16.dat 16 100(10)/uV 16 0 10 ${checksum(a)} 0 ECG1\nt16.dat 16 1000/mV 16 0 0 ${checksum(b)} 0 ECG2\n`,
      't16.dat': dat,
    }),
  );
  // uV → mV: a gain of 100 adu/uV is 100000 adu/mV.
  assert.deepEqual(Array.from(rec.signals[0]), [0, mv(110, 10, 100000), NaN, mv(-90, 10, 100000)]);
  assert.deepEqual(Array.from(rec.signals[1]), [0, 2, -2, mv(32767, 0, 1000)]);
  assert.equal(rec.fs, 250);
  assert.deepEqual(rec.leads, ['ECG1', 'ECG2']);
});

test('format 80: offset binary, -128 is invalid', () => {
  const bytes = [128, 129, 0, 255, 28];
  const digital = bytes.map((b) => b - 128);
  const rec = readWfdbRecordFromFiles(
    't80',
    files({ 't80.hea': `t80 1 128 5\nt80.dat 80 50 8 0 0 ${checksum(digital)} 0 II\n`, 't80.dat': bytes }),
  );
  assert.deepEqual(Array.from(rec.signals[0]), [0, mv(1, 0, 50), NaN, mv(127, 0, 50), mv(-100, 0, 50)]);
});

/** Independent encoders, written from the format description in WFDB signal(5). */
function pack310(v: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < v.length; i += 3) {
    const [a, b, c] = [v[i], v[i + 1] ?? 0, v[i + 2] ?? 0].map((x) => x & 0x3ff);
    // word 0: bits 1-10 sample 0, bits 11-15 low 5 bits of sample 2; word 1: sample 1, high 5 bits of sample 2.
    out.push(...words(((a << 1) | ((c & 0x1f) << 11)) & 0xffff, ((b << 1) | ((c >> 5) << 11)) & 0xffff));
  }
  return out;
}
function pack311(v: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < v.length; i += 3) {
    const [a, b, c] = [v[i], v[i + 1] ?? 0, v[i + 2] ?? 0].map((x) => x & 0x3ff);
    const w = (a | (b << 10) | (c << 20)) >>> 0;
    out.push(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff);
  }
  return out;
}

for (const [format, pack] of [
  [310, pack310],
  [311, pack311],
] as const) {
  test(`format ${format}: 10-bit samples packed three to four bytes, -512 invalid`, () => {
    const digital = [5, -1, 511, -512, 300, -300, 0, 1, -2];
    const rec = readWfdbRecordFromFiles(
      `t${format}`,
      files({
        [`t${format}.hea`]: `t${format} 1 360 9\nt${format}.dat ${format} 100(-4) 10 0 5 ${checksum(digital)} 0 MLII\n`,
        [`t${format}.dat`]: pack(digital),
      }),
    );
    assert.deepEqual(
      Array.from(rec.signals[0]),
      digital.map((d) => (d === -512 ? NaN : mv(d, -4, 100))),
    );
  });

  test(`format ${format}: two signals interleaved`, () => {
    const a = [1, 2, 3];
    const b = [-1, -2, -3];
    const rec = readWfdbRecordFromFiles(
      'm',
      files({
        'm.hea': `m 2 360 3\nm.dat ${format} 200 10 0 1 ${checksum(a)} 0 A\nm.dat ${format} 200 10 0 -1 ${checksum(b)} 0 B\n`,
        'm.dat': pack([1, -1, 2, -2, 3, -3]),
      }),
    );
    assert.deepEqual(
      Array.from(rec.signals[0]),
      a.map((d) => mv(d, 0, 200)),
    );
    assert.deepEqual(
      Array.from(rec.signals[1]),
      b.map((d) => mv(d, 0, 200)),
    );
  });
}

test('format 212: odd sample count, -2048 invalid, byte offset honoured', () => {
  const digital = [-2048, 2047, -1];
  // Two 12-bit samples in three bytes: low 8 bits of s0, (high 4 of s1)<<4 | high 4 of s0, low 8 of s1.
  const packed = [0x00, 0x78, 0xff, 0xff, 0x0f];
  const rec = readWfdbRecordFromFiles(
    't',
    files({
      't.hea': `t 1 360 3\nt.dat 212+2 200(0) 12 0 -2048 ${checksum(digital)} 0 X\n`,
      't.dat': [9, 9, ...packed],
    }),
  );
  assert.deepEqual(Array.from(rec.signals[0]), [NaN, mv(2047, 0, 200), mv(-1, 0, 200)]);
});

test('a checksum that does not match the data is refused', () => {
  assert.throws(
    () =>
      readWfdbRecordFromFiles(
        'c',
        files({ 'c.hea': 'c 1 360 2\nc.dat 16 200 16 0 0 999 0 II\n', 'c.dat': words(1, 2) }),
      ),
    (err: Error) =>
      err.name === 'RecordInputError' && /checksum 3 does not match the header's 999/.test(err.message),
  );
});

test('duplicate lead names are made unique (they become column names)', () => {
  const rec = readWfdbRecordFromFiles(
    'd',
    files({
      'd.hea': 'd 2 360 1\nd.dat 16 200 16 0 0 1 0 ECG\nd.dat 16 200 16 0 0 2 0 ECG\n',
      'd.dat': words(1, 2),
    }),
  );
  assert.deepEqual(rec.leads, ['ECG', 'ECG_2']);
});

test('multi-segment headers get a clear "not supported" error', () => {
  assert.throws(
    () => readWfdbRecordFromFiles('ms', files({ 'ms.hea': 'ms/2 1 360 100\nseg1 50\nseg2 50\n' })),
    (err: Error) =>
      err.name === 'RecordInputError' && /multi-segment records are not supported/.test(err.message),
  );
});

test('signals in other units than volts are left out of the leads and reported', () => {
  const ecg = [100, -100];
  const abp = [12000, 8000];
  const rec = readWfdbRecordFromFiles(
    'b',
    files({
      'b.hea': `b 2 250 2\nb.dat 16 100/mmHg 16 0 12000 ${checksum(abp)} 0 ABP\nb.dat 16 200 16 0 100 ${checksum(ecg)} 0 II\n`,
      'b.dat': new Uint8Array(new Int16Array([12000, 100, 8000, -100]).buffer),
    }),
  );
  assert.deepEqual(rec.leads, ['II']);
  assert.deepEqual(Array.from(rec.signals[0]), [0.5, -0.5]);
  assert.deepEqual(rec.dropped, [{ label: 'ABP', fs: 250, reason: 'unit "mmHg" is not a voltage' }]);
});
