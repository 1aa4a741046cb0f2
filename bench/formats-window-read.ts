/**
 * Reading every half-hour window (+30 s margins, as classify jobs read them) of a 24 h two-lead
 * recording built from MIT-BIH signal, from memory: readRecordingSamples (its fast float path)
 * against hyparquet's generic parquetRead, per codec, best and worst of 3 runs each.
 *   node --import tsx bench/formats-window-read.ts [GZIP,UNCOMPRESSED,SNAPPY] [--mitdb dir]
 */
import { performance } from 'node:perf_hooks';
import { parquetRead, type AsyncBuffer } from 'hyparquet';
import {
  asyncBufferFromBytes,
  readRecordingMeta,
  readRecordingSamples,
  writeRecordingParquet,
  type RecordingCodec,
} from '@holterflow/formats';
import { parquetCompressors as compressors } from '../libs/formats/src/canonical/compressors.js';
import { build24hRecording, mitdbDir } from './mitdb-24h.js';

const codecs = (process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'GZIP,UNCOMPRESSED')
  .split(',')
  .map((c) => c.trim() as RecordingCodec);
const dirFlag = process.argv.indexOf('--mitdb');
const rec = build24hRecording(dirFlag > 0 ? process.argv[dirFlag + 1] : mitdbDir(), 24);

/** hyparquet's own path, as readRecordingSamples read windows before the fast path. */
async function readWithHyparquet(file: AsyncBuffer, leads: string[], start: number, end: number) {
  const out = leads.map(() => new Float32Array(end - start));
  await parquetRead({
    file,
    columns: leads,
    rowStart: start,
    rowEnd: end,
    compressors,
    onChunk: ({ columnName, columnData, rowStart }) => {
      const target = out[leads.indexOf(columnName)];
      for (let r = Math.max(start, rowStart); r < Math.min(end, rowStart + columnData.length); r++)
        target[r - start] = columnData[r - rowStart] as number;
    },
  });
  return out;
}

for (const codec of codecs) {
  const bytes = writeRecordingParquet(rec, { codec });
  const file = asyncBufferFromBytes(bytes);
  const meta = await readRecordingMeta(file, 'bench');
  const windowSamples = 1800 * meta.fs;
  const margin = 30 * meta.fs;
  const windows: [number, number][] = [];
  for (let start = 0; start < meta.numSamples; start += windowSamples)
    windows.push([Math.max(0, start - margin), Math.min(meta.numSamples, start + windowSamples + margin)]);
  const time = async (read: (s: number, e: number) => Promise<unknown>) => {
    const runs: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const t = performance.now();
      for (const [s, e] of windows) await read(s, e);
      runs.push(performance.now() - t);
    }
    return `${Math.min(...runs).toFixed(0)}–${Math.max(...runs).toFixed(0)} ms`;
  };
  const fast = await time((s, e) => readRecordingSamples(file, s, e, undefined, meta, 'bench'));
  const generic = await time((s, e) => readWithHyparquet(file, meta.leads, s, e));
  console.log(
    `${codec} (${(bytes.byteLength / 1e6).toFixed(1)} MB): ${windows.length} windows, ` +
      `readRecordingSamples ${fast}, hyparquet parquetRead ${generic}`,
  );
}
