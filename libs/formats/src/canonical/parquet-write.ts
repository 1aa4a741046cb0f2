/**
 * Writer of the canonical recording in Parquet (DESIGN.md "Canonical recording").
 *
 * Layout choices, measured with `node --import tsx bench/formats-parquet-layout.ts` on MIT-BIH
 * records concatenated to 24 h × 2 leads at 360 Hz (31.1 M rows); see that file for the figures:
 * - first measurement (record 100, 650 k rows): dictionary 1.44 MB SNAPPY / 1.17 MB GZIP, PLAIN
 *   2.42 / 1.16 MB, BYTE_STREAM_SPLIT 3.63 / 2.28 MB; ADC-quantised signals have few distinct values,
 *   so the dictionary (12-bit indices) wins. The 24 h figures follow in the benchmark.
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
  rowGroupSize: 1 << 18,
  codec: 'SNAPPY',
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
  return writer.getBytes();
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
