/**
 * Range efficiency of the canonical Parquet recording: a 24-hour two-lead 360 Hz recording of
 * real MIT-BIH signal is written with the default layout, then one 10-minute window is read
 * through a counting AsyncBuffer (what a worker does against S3 by ranged GETs).
 * Run: node --import tsx bench/formats-range.ts [mitdb-dir]
 */
import {
  DEFAULT_RECORDING_LAYOUT,
  asyncBufferFromBytes,
  countingAsyncBuffer,
  readRecording,
  readRecordingMeta,
  readRecordingSamples,
  writeRecordingParquet,
} from '@holterflow/formats';
import { build24hRecording, mitdbDir } from './mitdb-24h.js';

const dir = process.argv[2] ?? mitdbDir();
let t = performance.now();
const rec = build24hRecording(dir);
console.log(
  `built 24 h × ${rec.leads.length} leads (${rec.signals[0].length} samples/lead) from ${dir} in ${s(t)} s`,
);

t = performance.now();
const bytes = writeRecordingParquet(rec);
console.log(
  `write: ${s(t)} s, object ${(bytes.byteLength / 1e6).toFixed(1)} MB, layout ${JSON.stringify(DEFAULT_RECORDING_LAYOUT)}`,
);

const footer = countingAsyncBuffer(asyncBufferFromBytes(bytes));
t = performance.now();
const meta = await readRecordingMeta(footer.file, 'mitdb24h.parquet');
console.log(
  `footer: ${footer.counter.requests} request(s), ${footer.counter.bytes} bytes, ${ms(t)} ms, ${meta.rowGroups.length} row groups`,
);

const windowStart = 12 * 3600 * 360 + 12345; // not aligned to a row group
const windowEnd = windowStart + 10 * 60 * 360;
const win = countingAsyncBuffer(asyncBufferFromBytes(bytes));
t = performance.now();
const samples = await readRecordingSamples(win.file, windowStart, windowEnd, undefined, meta);
const windowMs = ms(t);
for (let k = 0; k < rec.leads.length; k++)
  for (let i = 0; i < samples[k].length; i++)
    if (!Object.is(samples[k][i], rec.signals[k][windowStart + i]))
      throw new Error(`lead ${k} sample ${i} differs`);
const fraction = (footer.counter.bytes + win.counter.bytes) / bytes.byteLength;
console.log(
  `10-min window: ${win.counter.requests} request(s), ${(win.counter.bytes / 1024).toFixed(0)} KB + footer = ` +
    `${(100 * fraction).toFixed(2)}% of the object, ${windowMs} ms, values identical`,
);

t = performance.now();
await readRecording(asyncBufferFromBytes(bytes));
console.log(`whole read: ${s(t)} s`);
if (fraction >= 0.1) {
  console.error('FAIL: a 10-minute window moved 10% or more of the object');
  process.exit(1);
}

function s(t0: number): string {
  return ((performance.now() - t0) / 1000).toFixed(2);
}
function ms(t0: number): string {
  return (performance.now() - t0).toFixed(0);
}
