/**
 * Reader of the canonical recording in Parquet: the footer alone for the coordinator, and sample
 * windows that fetch only the row groups they overlap (workers read by HTTP range from S3).
 *
 * Windows of REQUIRED float32 lead columns (everything our writer makes) take the fast path in
 * float-window.ts / fast-column.ts: one ranged read for the whole window, pages decoded straight
 * into the Float32Arrays. Anything else (nullable columns, other encodings) goes through hyparquet's
 * parquetRead as before, with identical values.
 * Measured 2026-11-28 on the 48 half-hour windows (+30 s margins) of bench/mitdb-24h.ts's 24 h
 * two-lead record in the then-default GZIP layout, from memory, 2 cores at load ~6 (so noisy, ranges of 3
 * runs; the same windows as `node --import tsx bench/formats-window-read.ts`, back to back with the previous reader):
 *   hyparquet parquetRead + copy   1.76–2.04 s     fast path   0.89–1.26 s (about half is gunzip)
 *   same, UNCOMPRESSED (decoding only): hyparquet 2.3–3.4 s, fast path 0.50–0.69 s
 * Over s3rver (HEAD + footer + window per job, measured with a one-off script over test/support/s3rver): 388 → 144 requests for the 48
 * windows (a window's data was ~6 ranged GETs, now 1), CPU 3.3–3.8 s → 1.3–1.7 s.
 */
import {
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type AsyncBuffer,
  type FileMetaData,
} from 'hyparquet';
import { parquetCompressors as compressors } from './compressors.js';
import { RecordInputError } from '@holterflow/contracts';
import type { EcgRecording } from '../recording.js';
import { parseWithInputErrors } from './async-buffer.js';
import { planFloatWindow, readFloatWindow } from './float-window.js';
import { parseRecordingKeyValues, recordIdFromName, rowGroupLayout, type RecordingMeta } from './metadata.js';

/**
 * hyparquet fetches this many bytes from the end in one request and a second one only when the
 * footer is longer. Our default layout's footer is ~24 KB for 24 h × 2 leads (238 row groups,
 * no statistics, measured by bench/formats-parquet-layout.ts), so one ranged GET reads it for
 * recordings up to ~2 days.
 */
const FOOTER_FETCH_BYTES = 64 * 1024;

/**
 * The parsed Parquet footer behind each meta this module returned, so sample reads given that
 * meta do not fetch the footer again. Kept outside the meta so it stays plain JSON data.
 */
const footers = new WeakMap<RecordingMeta, FileMetaData>();

/** Read and validate a recording's footer (`name` is the object key or file name, used in errors). */
export async function readRecordingMeta(
  file: AsyncBuffer,
  name = 'recording.parquet',
): Promise<RecordingMeta> {
  const recordId = recordIdFromName(name);
  if (file.byteLength < 12)
    throw new RecordInputError(recordId, `not a Parquet file (only ${file.byteLength} bytes)`, name);
  const parquet = await parseWithInputErrors(
    file,
    (f) => parquetMetadataAsync(f, { initialFetchSize: FOOTER_FETCH_BYTES }),
    (err) =>
      new RecordInputError(recordId, `not a Parquet file or its footer is corrupt (${err.message})`, name),
  );
  const kv = new Map((parquet.key_value_metadata ?? []).map((e) => [e.key, e.value ?? '']));
  const floatColumns: string[] = [];
  const otherColumns: string[] = [];
  for (const child of parquetSchema(parquet).children) {
    const el = child.element;
    const isFloatLeaf =
      child.children.length === 0 && el.type === 'FLOAT' && el.repetition_type !== 'REPEATED';
    (isFloatLeaf ? floatColumns : otherColumns).push(el.name);
  }
  const identity = parseRecordingKeyValues(kv, floatColumns, otherColumns, name);
  const meta: RecordingMeta = {
    ...identity,
    numSamples: Number(parquet.num_rows),
    ...rowGroupLayout(parquet.row_groups.map((g) => Number(g.num_rows))),
  };
  footers.set(meta, parquet);
  return meta;
}

/**
 * Samples [start, end) of the given leads (all when omitted), one Float32Array per lead in the
 * order asked. Only the row groups overlapping the window are fetched.
 * @param meta what readRecordingMeta returned for this file, to save fetching the footer again
 */
export async function readRecordingSamples(
  file: AsyncBuffer,
  start: number,
  end: number,
  leads?: string[],
  meta?: RecordingMeta,
  name = 'recording.parquet',
): Promise<Float32Array[]> {
  const m = meta && footers.has(meta) ? meta : await readRecordingMeta(file, name);
  const wanted = leads ?? m.leads;
  for (const lead of wanted)
    if (!m.leads.includes(lead))
      throw new RecordInputError(
        m.recordId,
        `lead ${lead} is not in the recording (has ${m.leads.join(', ')})`,
        name,
      );
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > m.numSamples)
    throw new RangeError(`sample window [${start}, ${end}) is outside [0, ${m.numSamples}) of ${m.recordId}`);
  const out = wanted.map(() => new Float32Array(end - start));
  if (end === start) return out;
  const footer = footers.get(m)!;
  const toInputError = (err: Error) =>
    new RecordInputError(m.recordId, `sample data is corrupt (${err.message})`, name);
  const plan = planFloatWindow(footer, wanted, start, end, compressors);
  if (plan) {
    const decoded = await parseWithInputErrors(
      file,
      (f) => readFloatWindow(f, plan, out, compressors),
      toInputError,
    );
    if (decoded) return out;
  }
  await readWithHyparquet(file, footer, wanted, start, end, out, toInputError);
  return out;
}

/**
 * The general path for what the fast one does not decode (nullable columns, other encodings):
 * hyparquet's parquetRead, copied into `out`.
 */
async function readWithHyparquet(
  file: AsyncBuffer,
  footer: FileMetaData,
  wanted: string[],
  start: number,
  end: number,
  out: Float32Array[],
  toInputError: (err: Error) => Error,
): Promise<void> {
  const index = new Map(wanted.map((lead, i) => [lead, i]));
  await parseWithInputErrors(
    file,
    (f) =>
      parquetRead({
        file: f,
        metadata: footer,
        columns: wanted,
        rowStart: start,
        rowEnd: end,
        compressors,
        onChunk: ({ columnName, columnData, rowStart }) => {
          const target = out[index.get(columnName)!];
          // A chunk may extend beyond the window on either side: copy the overlap only.
          const from = Math.max(start, rowStart);
          const to = Math.min(end, rowStart + columnData.length);
          for (let r = from; r < to; r++) target[r - start] = columnData[r - rowStart] as number;
        },
      }),
    toInputError,
  );
}

/** The whole recording. */
export async function readRecording(file: AsyncBuffer, name = 'recording.parquet'): Promise<EcgRecording> {
  const meta = await readRecordingMeta(file, name);
  const signals = await readRecordingSamples(file, 0, meta.numSamples, undefined, meta, name);
  return {
    recordId: meta.recordId,
    fs: meta.fs,
    leads: meta.leads,
    signals,
    ...(meta.start ? { start: meta.start } : {}),
    source: meta.source,
  };
}
