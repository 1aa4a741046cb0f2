/**
 * Chooses the canonical Parquet layout (encoding, codec, row-group size) by measurement on a
 * 24 h two-lead MIT-BIH recording: object size, write time, whole-file read time, and bytes
 * fetched for one 10-minute window. Run: node --import tsx bench/formats-parquet-layout.ts
 */
import {
  asyncBufferFromBytes,
  countingAsyncBuffer,
  readRecording,
  readRecordingMeta,
  readRecordingSamples,
  writeRecordingParquet,
  type RecordingCodec,
  type RecordingEncoding,
} from '@holterflow/formats';
import { build24hRecording, mitdbDir } from './mitdb-24h.js';

const rec = build24hRecording();
console.log(`source ${mitdbDir()}, ${rec.signals[0].length} samples × ${rec.leads.length} leads`);
const windowStart = 12 * 3600 * 360 + 12345; // a 10-minute window not aligned to any row group
const windowLength = 10 * 60 * 360;

const layouts: { encoding: RecordingEncoding; codec: RecordingCodec; rowGroupSize: number }[] = [];
for (const encoding of ['PLAIN', 'BYTE_STREAM_SPLIT', 'AUTO'] as const)
  for (const codec of ['SNAPPY', 'GZIP'] as const) layouts.push({ encoding, codec, rowGroupSize: 1 << 18 });
for (const rowGroupSize of [1 << 16, 1 << 17, 1 << 20])
  layouts.push({ encoding: 'AUTO', codec: 'GZIP', rowGroupSize });
// One or more layouts as JSON arguments replace the default list.
if (process.argv.length > 2)
  layouts.splice(0, layouts.length, ...process.argv.slice(2).map((a) => JSON.parse(a)));

console.log(
  'encoding           codec  rowGroup  MB     write_s  read_s  window_KB  window_%  window_ms  footer_B',
);
for (const layout of layouts) {
  let t = performance.now();
  const bytes = writeRecordingParquet(rec, layout);
  const writeS = (performance.now() - t) / 1000;
  t = performance.now();
  const back = await readRecording(asyncBufferFromBytes(bytes));
  const readS = (performance.now() - t) / 1000;
  if (back.signals[0].length !== rec.signals[0].length) throw new Error('length mismatch');
  const { file, counter } = countingAsyncBuffer(asyncBufferFromBytes(bytes));
  t = performance.now();
  const meta = await readRecordingMeta(file);
  await readRecordingSamples(file, windowStart, windowStart + windowLength, undefined, meta);
  const windowMs = performance.now() - t;
  console.log(
    [
      layout.encoding.padEnd(18),
      layout.codec.padEnd(6),
      String(layout.rowGroupSize).padEnd(9),
      (bytes.byteLength / 1e6).toFixed(1).padEnd(6),
      writeS.toFixed(2).padEnd(8),
      readS.toFixed(2).padEnd(7),
      (counter.bytes / 1024).toFixed(0).padEnd(10),
      ((100 * counter.bytes) / bytes.byteLength).toFixed(2).padEnd(9),
      windowMs.toFixed(0).padEnd(10),
      new DataView(bytes.buffer, bytes.byteOffset + bytes.byteLength - 8, 4).getUint32(0, true),
    ].join(' '),
  );
}
