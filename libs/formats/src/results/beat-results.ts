/**
 * Per-beat classification results in Parquet (docs/ARCHITECTURE.md "Per-beat result columns"): one writer
 * and one reader for both the classify parts (`runs/<run>/parts/<record>/<window>.parquet`) and a
 * record's merged `beats.parquet`, with the columns of BEAT_RESULT_COLUMNS in that order.
 *
 * Bytes are a pure function of the input (same results and metadata → same bytes): a retried or
 * duplicated classify job rewrites an identical object, and a re-run can be checked by comparing
 * bytes. Nothing time- or host-dependent goes in; GZIP at a fixed level is deterministic for a
 * given zlib, and floats are written PLAIN so NaN payloads and -0 survive bit for bit (a
 * dictionary keys values by JavaScript equality and would merge them).
 */
import { gzipSync } from 'node:zlib';
import { parquetMetadataAsync, parquetRead, type AsyncBuffer } from 'hyparquet';
import { parquetCompressors as readCompressors } from '../canonical/compressors.js';
import { ByteWriter, parquetWrite, type ColumnSource } from 'hyparquet-writer';
import { AAMI_CLASSES, BEAT_RESULT_COLUMNS, isAamiClass, type AamiClass } from '@holterflow/contracts';

/** Per-beat results as a struct of arrays; beat i has probabilities p[i*5 .. i*5+5) (N,S,V,F,Q). */
export interface BeatResults {
  /** R-peaks in record samples, ascending. */
  samples: Int32Array;
  /** sample / fs. */
  timeS: Float64Array;
  classes: AamiClass[];
  probabilities: Float32Array;
  /** RR interval to the previous/next beat in ms; NaN where there is none. */
  rrPrevMs: Float32Array;
  rrNextMs: Float32Array;
  /** The classify window that owns the beat. */
  window: Int32Array;
}

/** A record-sample range where no lead could be read. */
export interface UnreadableRange {
  start: number;
  end: number;
  reason: string;
}

/** What a results file says about itself (stored as JSON in the footer's key-value metadata). */
export interface BeatResultsMeta {
  runId: string;
  recordId: string;
  modelVersion: string;
  fs: number;
  /** Record-sample range the file covers: a window's owned range, or the whole record. */
  start: number;
  end: number;
  /** Unreadable stretches inside [start, end). */
  unreadable: UnreadableRange[];
}

export const BEAT_RESULTS_META_KEY = 'holterflow.beat_results';
/** Rows per row group: a 24 h record has ~100k beats, so one or two groups. */
const ROW_GROUP_SIZE = 1 << 16;
const gzip = { GZIP: (input: Uint8Array) => gzipSync(input, { level: 6 }) };

export function emptyBeatResults(): BeatResults {
  return {
    samples: new Int32Array(0),
    timeS: new Float64Array(0),
    classes: [],
    probabilities: new Float32Array(0),
    rrPrevMs: new Float32Array(0),
    rrNextMs: new Float32Array(0),
    window: new Int32Array(0),
  };
}

export function beatCount(results: BeatResults): number {
  return results.samples.length;
}

function assertConsistent(r: BeatResults): void {
  const n = r.samples.length;
  const k = AAMI_CLASSES.length;
  const lengths: [string, number, number][] = [
    ['timeS', r.timeS.length, n],
    ['classes', r.classes.length, n],
    ['probabilities', r.probabilities.length, n * k],
    ['rrPrevMs', r.rrPrevMs.length, n],
    ['rrNextMs', r.rrNextMs.length, n],
    ['window', r.window.length, n],
  ];
  for (const [name, got, want] of lengths)
    if (got !== want) throw new RangeError(`beat results: ${name} has ${got} values for ${n} beats`);
}

/** Column i of the n×5 probability matrix. */
function probabilityColumn(p: Float32Array, n: number, c: number): Float32Array {
  const k = AAMI_CLASSES.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = p[i * k + c];
  return out;
}

/**
 * GZIP for files people download (a record's beats.parquet, ~40 % smaller); UNCOMPRESSED for the
 * classify parts, which live only until summarize merges them: compressing them cost the
 * pipeline's workers CPU for bytes that cross the network twice at most.
 */
export type BeatResultsCodec = 'GZIP' | 'UNCOMPRESSED';

export function writeBeatResultsParquet(
  results: BeatResults,
  meta: BeatResultsMeta,
  codec: BeatResultsCodec = 'GZIP',
): Uint8Array {
  assertConsistent(results);
  const n = results.samples.length;
  const float = (name: string, data: Float32Array): ColumnSource => ({
    name,
    data,
    type: 'FLOAT',
    nullable: false,
    encoding: 'PLAIN',
  });
  const columnData: ColumnSource[] = [
    {
      name: 'sample',
      data: BigInt64Array.from(results.samples, (s) => BigInt(s)),
      type: 'INT64',
      nullable: false,
    },
    { name: 'time_s', data: results.timeS, type: 'DOUBLE', nullable: false, encoding: 'PLAIN' },
    { name: 'class', data: results.classes, type: 'STRING', nullable: false },
    ...AAMI_CLASSES.map((c, i) => float(`p_${c}`, probabilityColumn(results.probabilities, n, i))),
    float('rr_prev_ms', results.rrPrevMs),
    float('rr_next_ms', results.rrNextMs),
    { name: 'window', data: results.window, type: 'INT32', nullable: false },
  ];
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    columnData: columnData.map((c) => ({ ...c, offsetIndex: false, columnIndex: false })),
    codec,
    compressors: gzip,
    // Min/max statistics of NaN-bearing float columns are easy to get wrong and serve no query.
    statistics: false,
    rowGroupSize: ROW_GROUP_SIZE,
    kvMetadata: [{ key: BEAT_RESULTS_META_KEY, value: JSON.stringify(canonicalMeta(meta)) }],
    createdBy: 'holterflow',
  });
  // An exact-size copy: the writer's buffer grows by doubling.
  return new Uint8Array(writer.getBuffer());
}

/** Fixed key order, so equal metadata serialises to equal bytes whatever order it was built in. */
function canonicalMeta(m: BeatResultsMeta): BeatResultsMeta {
  return {
    runId: m.runId,
    recordId: m.recordId,
    modelVersion: m.modelVersion,
    fs: m.fs,
    start: m.start,
    end: m.end,
    unreadable: m.unreadable.map((u) => ({ start: u.start, end: u.end, reason: u.reason })),
  };
}

/** The footer only (one ranged read on S3): what a reused part reports without reading its rows. */
export async function readBeatResultsFooter(
  file: AsyncBuffer,
  name = 'beats.parquet',
): Promise<{ meta: BeatResultsMeta; beats: number }> {
  const metadata = await parquetMetadataAsync(file).catch((err: unknown) => {
    throw new Error(`${name} is not a readable Parquet file (${(err as Error).message})`);
  });
  return { meta: parseMeta(metadata.key_value_metadata, name), beats: Number(metadata.num_rows) };
}

function parseMeta(kv: { key: string; value?: string }[] | undefined, name: string): BeatResultsMeta {
  const raw = kv?.find((e) => e.key === BEAT_RESULTS_META_KEY)?.value;
  if (raw === undefined)
    throw new Error(`${name} has no ${BEAT_RESULTS_META_KEY} metadata: not a beat results file`);
  const m = JSON.parse(raw) as Partial<BeatResultsMeta>;
  const ok =
    typeof m.runId === 'string' &&
    typeof m.recordId === 'string' &&
    typeof m.modelVersion === 'string' &&
    typeof m.fs === 'number' &&
    typeof m.start === 'number' &&
    typeof m.end === 'number' &&
    Array.isArray(m.unreadable);
  if (!ok) throw new Error(`${name}: ${BEAT_RESULTS_META_KEY} metadata is incomplete`);
  return m as BeatResultsMeta;
}

export async function readBeatResultsParquet(
  file: AsyncBuffer,
  name = 'beats.parquet',
): Promise<{ results: BeatResults; meta: BeatResultsMeta }> {
  const metadata = await parquetMetadataAsync(file).catch((err: unknown) => {
    throw new Error(`${name} is not a readable Parquet file (${(err as Error).message})`);
  });
  const meta = parseMeta(metadata.key_value_metadata, name);
  const columns = metadata.schema.slice(1).map((e) => e.name);
  if (columns.join(',') !== BEAT_RESULT_COLUMNS.join(','))
    throw new Error(`${name} has columns ${columns.join(', ')}; expected ${BEAT_RESULT_COLUMNS.join(', ')}`);
  const n = Number(metadata.num_rows);
  const k = AAMI_CLASSES.length;
  const r: BeatResults = {
    samples: new Int32Array(n),
    timeS: new Float64Array(n),
    classes: new Array<AamiClass>(n),
    probabilities: new Float32Array(n * k),
    rrPrevMs: new Float32Array(n),
    rrNextMs: new Float32Array(n),
    window: new Int32Array(n),
  };
  const put: Record<string, (row: number, value: unknown) => void> = {
    sample: (i, v) => (r.samples[i] = Number(v)),
    time_s: (i, v) => (r.timeS[i] = v as number),
    class: (i, v) => {
      if (!isAamiClass(v))
        throw new Error(`${name}: row ${i} has class ${String(v)}, not one of N, S, V, F, Q`);
      r.classes[i] = v;
    },
    rr_prev_ms: (i, v) => (r.rrPrevMs[i] = v as number),
    rr_next_ms: (i, v) => (r.rrNextMs[i] = v as number),
    window: (i, v) => (r.window[i] = v as number),
  };
  AAMI_CLASSES.forEach((c, j) => (put[`p_${c}`] = (i, v) => (r.probabilities[i * k + j] = v as number)));
  if (n > 0)
    await parquetRead({
      file,
      metadata,
      compressors: readCompressors,
      onChunk: ({ columnName, columnData, rowStart }) => {
        const set = put[columnName];
        for (let i = 0; i < columnData.length; i++) set(rowStart + i, columnData[i]);
      },
    });
  return { results: r, meta };
}

/** Concatenate results in the order given (the caller orders them by window). */
export function concatBeatResults(parts: readonly BeatResults[]): BeatResults {
  const n = parts.reduce((s, p) => s + p.samples.length, 0);
  const k = AAMI_CLASSES.length;
  const out: BeatResults = {
    samples: new Int32Array(n),
    timeS: new Float64Array(n),
    classes: [],
    probabilities: new Float32Array(n * k),
    rrPrevMs: new Float32Array(n),
    rrNextMs: new Float32Array(n),
    window: new Int32Array(n),
  };
  let at = 0;
  for (const p of parts) {
    out.samples.set(p.samples, at);
    out.timeS.set(p.timeS, at);
    for (const c of p.classes) out.classes.push(c);
    out.probabilities.set(p.probabilities, at * k);
    out.rrPrevMs.set(p.rrPrevMs, at);
    out.rrNextMs.set(p.rrNextMs, at);
    out.window.set(p.window, at);
    at += p.samples.length;
  }
  return out;
}

/** The beats at the given indices (ascending), every column kept: a filtered download. */
export function selectBeats(results: BeatResults, indices: readonly number[]): BeatResults {
  const k = AAMI_CLASSES.length;
  const n = indices.length;
  const out: BeatResults = {
    samples: new Int32Array(n),
    timeS: new Float64Array(n),
    classes: new Array<AamiClass>(n),
    probabilities: new Float32Array(n * k),
    rrPrevMs: new Float32Array(n),
    rrNextMs: new Float32Array(n),
    window: new Int32Array(n),
  };
  indices.forEach((i, j) => {
    out.samples[j] = results.samples[i];
    out.timeS[j] = results.timeS[i];
    out.classes[j] = results.classes[i];
    out.probabilities.set(results.probabilities.subarray(i * k, (i + 1) * k), j * k);
    out.rrPrevMs[j] = results.rrPrevMs[i];
    out.rrNextMs[j] = results.rrNextMs[i];
    out.window[j] = results.window[i];
  });
  return out;
}

/** CSV lines of beat results in BEAT_RESULT_COLUMNS order, header first (NaN as an empty cell). */
export function* beatResultsCsv(results: BeatResults): Generator<string> {
  yield `${BEAT_RESULT_COLUMNS.join(',')}\n`;
  const k = AAMI_CLASSES.length;
  const cell = (x: number) => (Number.isNaN(x) ? '' : String(x));
  // In chunks of lines: one string per beat would make 100,000 tiny writes.
  let chunk = '';
  for (let i = 0; i < results.samples.length; i++) {
    const p = Array.from(results.probabilities.subarray(i * k, (i + 1) * k), (v) => v.toPrecision(6));
    chunk += `${results.samples[i]},${results.timeS[i]},${results.classes[i]},${p.join(',')},${cell(results.rrPrevMs[i])},${cell(results.rrNextMs[i])},${results.window[i]}\n`;
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
