/**
 * Writer of the canonical recording in Parquet (docs/ARCHITECTURE.md "Canonical recording").
 *
 * Layout, chosen by `node --import tsx bench/formats-parquet-layout.ts` on 24 h × 2 leads of
 * MIT-BIH at 360 Hz (31.1 M rows; object size, then bytes fetched for one 10-minute window):
 *   encoding (row groups of 2^18)   SNAPPY     GZIP
 *   PLAIN                           122.5 MB   65.3 MB
 *   BYTE_STREAM_SPLIT               181.9 MB  118.4 MB
 *   dictionary ("AUTO")              75.4 MB   62.8 MB
 *   row groups (AUTO+GZIP): 2^16 64.2 MB / 521 KB window / 48.6 KB footer; 2^17 63.2 MB / 728 KB /
 *   24.4 KB; 2^18 62.8 MB / 907 KB; 2^20 63.4 MB / 3,880 KB.
 * - Dictionary: ECG from an ADC has at most a few thousand distinct values per lead, so 12-bit
 *   dictionary indices beat any float encoding; BYTE_STREAM_SPLIT only helps noisy mantissas.
 *   'AUTO' falls back to PLAIN where a dictionary would not pay or not be bit-exact.
 * - No compression: dictionary indices are already ~10 bits a sample, and GZIP takes only 18 %
 *   more off (76.7 → 63.2 MB per 24 h) for CPU that every classify job pays again. Reading the 48
 *   half-hour windows of a 24 h record from memory (`node --import tsx bench/formats-window-read.ts
 *   GZIP,SNAPPY,UNCOMPRESSED`, 2026-11-28, other jobs paused): GZIP 853–1,135 ms, SNAPPY 574–583 ms
 *   (74.7 MB), UNCOMPRESSED 468–515 ms. Workers are the scarce resource of a run and object
 *   storage the cheap one, so the default is UNCOMPRESSED (GZIP was the default until then; every
 *   codec still reads). ZSTD would change the balance but Node 20 has no ZSTD compressor.
 * - 2^17 rows (6 min at 360 Hz) per group: a 10-minute worker window fetches ~1.2% of a 24 h
 *   object, 4× less than 2^20, while the footer stays ~24 KB (one ranged GET) and the size
 *   overhead over bigger groups is under 1%.
 * Speed of the earlier GZIP default (bench/formats-range.ts, 2 cores shared with other jobs at
 * load ~11, so upper bounds): write 16.5 s, whole read 8.0 s, one 10-minute window 247 ms from
 * memory; without GZIP the write skips compression and reads decode as measured above.
 */
import { gzipSync } from 'node:zlib';
import { ByteWriter, parquetWrite, type ColumnSource } from 'hyparquet-writer';
import type { EcgRecording } from '../recording.js';
import { assertWritableRecording, recordingKeyValues } from './metadata.js';

export type RecordingCodec = 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED';
/** 'AUTO': dictionary when it pays (ADC-quantised signals) and is bit-exact, else PLAIN. */
export type RecordingEncoding = 'AUTO' | 'PLAIN' | 'BYTE_STREAM_SPLIT' | 'RLE_DICTIONARY';

export interface RecordingParquetOptions {
  /** Rows per row group; every group but the last has exactly this many. */
  rowGroupSize?: number;
  codec?: RecordingCodec;
  encoding?: RecordingEncoding;
}

export const DEFAULT_RECORDING_LAYOUT: Required<RecordingParquetOptions> = {
  rowGroupSize: 1 << 17,
  codec: 'UNCOMPRESSED',
  encoding: 'AUTO',
};

const compressors = { GZIP: (input: Uint8Array) => gzipSync(input, { level: 6 }) };

export function writeRecordingParquet(rec: EcgRecording, opts: RecordingParquetOptions = {}): Uint8Array {
  assertWritableRecording(rec);
  const layout = { ...DEFAULT_RECORDING_LAYOUT, ...opts };
  if (!Number.isInteger(layout.rowGroupSize) || layout.rowGroupSize < 1)
    throw new RangeError(`rowGroupSize must be a positive integer, got ${layout.rowGroupSize}`);
  const columnData: ColumnSource[] = rec.leads.map((lead, i) => ({
    name: lead,
    data: rec.signals[i],
    type: 'FLOAT',
    nullable: false,
    encoding: columnEncoding(layout.encoding, rec.signals[i]),
    // Whole row groups are read, never single pages: no page indexes. Min/max statistics of
    // samples help no query we make and are easy to get wrong with NaN.
    statistics: false,
    offsetIndex: false,
    columnIndex: false,
  }));
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    columnData,
    codec: layout.codec,
    compressors,
    rowGroupSize: layout.rowGroupSize,
    kvMetadata: recordingKeyValues(rec),
    createdBy: 'holterflow',
  });
  // An exact-size copy: getBytes() is a view into a buffer grown by doubling (up to 2× the file).
  return new Uint8Array(writer.getBuffer());
}

/**
 * A dictionary keys values by JavaScript equality, which merges -0 with 0 and every NaN payload
 * with one NaN; such a column would not round-trip bit-exactly, so it is written PLAIN.
 */
function columnEncoding(
  requested: RecordingEncoding,
  values: Float32Array,
): Exclude<RecordingEncoding, 'AUTO'> | undefined {
  if (requested === 'PLAIN' || requested === 'BYTE_STREAM_SPLIT') return requested;
  if (!dictionarySafe(values)) return 'PLAIN';
  // undefined lets hyparquet-writer keep the dictionary only when it at least halves the size.
  return requested === 'AUTO' ? undefined : 'RLE_DICTIONARY';
}

const NEGATIVE_ZERO_BITS = 0x80000000;
const CANONICAL_NAN_BITS = 0x7fc00000;

function dictionarySafe(values: Float32Array): boolean {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    if (b === NEGATIVE_ZERO_BITS) return false;
    // NaN: exponent all ones and a nonzero mantissa; only the canonical quiet NaN survives.
    if ((b & 0x7f800000) === 0x7f800000 && (b & 0x007fffff) !== 0 && b !== CANONICAL_NAN_BITS) return false;
  }
  return true;
}
