/**
 * Decoder of one float32 column chunk of a REQUIRED flat column (no definition or repetition
 * levels) straight into a Float32Array for a row range: the fast path of readRecordingSamples.
 * hyparquet's generic path builds JS number arrays per page and maps them through the dictionary,
 * which took ~1.5 s of the ~2.3 s needed to read the 48 half-hour windows of a 24 h record; here
 * a page goes from decompressed bytes to the output in one loop (figures in parquet-read.ts).
 *
 * Handles DICTIONARY_PAGE (PLAIN floats), DATA_PAGE (v1) and DATA_PAGE_V2 with PLAIN,
 * PLAIN_DICTIONARY / RLE_DICTIONARY or BYTE_STREAM_SPLIT values, mixed within a chunk (writers
 * fall back from dictionary to PLAIN pages when the dictionary grows). Anything else throws
 * FastPathUnsupported so the caller can read the file with hyparquet instead; bytes that do not
 * decode throw a plain Error (the caller reports the record as corrupt).
 */
import type { CompressionCodec, Compressors, PageHeader } from 'hyparquet';
// The package exports its src/*.js; this is hyparquet's own Thrift compact PageHeader parser.
import { parquetHeader } from 'hyparquet/src/column.js';
import { decodeDictionaryIndices } from './dictionary-indices.js';

/** Something valid the fast path does not decode (the caller falls back to hyparquet). */
export class FastPathUnsupported extends Error {}

export interface FloatChunkRead {
  /** The column chunk's bytes, from its first page header to its end. */
  bytes: Uint8Array;
  codec: CompressionCodec;
  /** Rows in the chunk (its row group's num_rows). */
  numRows: number;
  /** Rows [from, to) of the chunk are wanted. */
  from: number;
  to: number;
  /** Row `from` goes to out[outAt]. */
  out: Float32Array;
  outAt: number;
}

const FLOAT_BYTES = 4;

export function decodeFloatColumnChunk(chunk: FloatChunkRead, compressors: Compressors): void {
  const { bytes, codec, numRows, from, to } = chunk;
  if (!(0 <= from && from <= to && to <= numRows))
    throw new RangeError(`rows [${from}, ${to}) of ${numRows}`);
  const outBits = new Uint32Array(chunk.out.buffer, chunk.out.byteOffset, chunk.out.length);
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  let dictionary: Uint32Array | undefined;
  let row = 0; // first row of the next data page
  while (row < to) {
    if (reader.offset >= bytes.length)
      throw new Error(`column chunk ends after ${row} of its ${numRows} rows`);
    // Every header consumes at least one byte, so this loop always advances.
    const header = parquetHeader(reader);
    const bodyStart = reader.offset;
    const bodyEnd = bodyStart + header.compressed_page_size;
    if (!(header.compressed_page_size >= 0) || bodyEnd > bytes.length)
      throw new Error(
        `page of ${header.compressed_page_size} bytes at ${bodyStart} runs past the column chunk (${bytes.length} bytes)`,
      );
    reader.offset = bodyEnd;
    // Decompressors allocate what the header declares: refuse sizes no float page of this chunk
    // can have (4 bytes a row, 8 leaves room for 32-bit dictionary indices and run headers).
    if (!(header.uncompressed_page_size <= numRows * 8 + 1024))
      throw new Error(`page declares ${header.uncompressed_page_size} bytes for a chunk of ${numRows} rows`);
    const body = bytes.subarray(bodyStart, bodyEnd);
    if (header.type === 'DICTIONARY_PAGE') {
      dictionary = readDictionaryPage(header, body, codec, compressors);
      continue;
    }
    if (header.type !== 'DATA_PAGE' && header.type !== 'DATA_PAGE_V2') {
      if (header.type === 'INDEX_PAGE') continue;
      throw new FastPathUnsupported(`page type ${String(header.type)}`);
    }
    const page = dataPage(header, body, codec, compressors, row + pageRows(header) > from);
    if (page.rows < 0 || row + page.rows > numRows)
      throw new Error(
        `data page of ${page.rows} rows at row ${row} overruns the ${numRows} rows of its chunk`,
      );
    const a = Math.max(row, from);
    const z = Math.min(row + page.rows, to);
    if (a < z && page.values) {
      const outAt = chunk.outAt + a - from;
      decodeValues(page.encoding, page.values, page.rows, a - row, z - row, dictionary, outBits, outAt);
    }
    row += page.rows;
  }
}

interface DataPage {
  encoding: string;
  rows: number;
  /** Decompressed values section; undefined when the page is skipped (outside the rows wanted). */
  values?: Uint8Array;
}

function pageRows(header: PageHeader): number {
  return header.data_page_header?.num_values ?? header.data_page_header_v2?.num_rows ?? -1;
}

/** A data page's values bytes (decompressed only when `wanted`), checked to carry no levels. */
function dataPage(
  header: PageHeader,
  body: Uint8Array,
  codec: CompressionCodec,
  compressors: Compressors,
  wanted: boolean,
): DataPage {
  if (header.type === 'DATA_PAGE') {
    const h = header.data_page_header;
    if (!h) throw new Error('DATA_PAGE without its data_page_header');
    // A REQUIRED flat column has no levels in v1 pages: the whole body is values.
    const values = wanted ? decompress(body, codec, header.uncompressed_page_size, compressors) : undefined;
    return { encoding: h.encoding, rows: h.num_values, values };
  }
  const h = header.data_page_header_v2;
  if (!h) throw new Error('DATA_PAGE_V2 without its data_page_header_v2');
  if (h.num_nulls) throw new FastPathUnsupported('nulls in a data page');
  if (h.num_values !== h.num_rows) throw new FastPathUnsupported('repeated values in a data page');
  // Levels (none expected, but skipped if a writer emits empty ones) are never compressed.
  const levels = h.definition_levels_byte_length + h.repetition_levels_byte_length;
  if (!(levels >= 0 && levels <= body.length))
    throw new Error(`levels of ${levels} bytes in a ${body.length}-byte page`);
  let values: Uint8Array | undefined;
  if (wanted) {
    const raw = body.subarray(levels);
    values =
      h.is_compressed === false
        ? raw
        : decompress(raw, codec, header.uncompressed_page_size - levels, compressors);
  }
  return { encoding: h.encoding, rows: h.num_rows, values };
}

function readDictionaryPage(
  header: PageHeader,
  body: Uint8Array,
  codec: CompressionCodec,
  compressors: Compressors,
): Uint32Array {
  const h = header.dictionary_page_header;
  if (!h) throw new Error('DICTIONARY_PAGE without its dictionary_page_header');
  if (h.encoding !== 'PLAIN' && h.encoding !== 'PLAIN_DICTIONARY')
    throw new FastPathUnsupported(`dictionary page encoding ${h.encoding}`);
  const data = decompress(body, codec, header.uncompressed_page_size, compressors);
  const n = h.num_values;
  if (!(n >= 0) || n * FLOAT_BYTES > data.length)
    throw new Error(`dictionary of ${n} floats in ${data.length} bytes`);
  const dictionary = new Uint32Array(n);
  new Uint8Array(dictionary.buffer).set(data.subarray(0, n * FLOAT_BYTES));
  return dictionary;
}

/** Values [a, z) of a page of `rows` values to outBits[outAt...]. */
function decodeValues(
  encoding: string,
  values: Uint8Array,
  rows: number,
  a: number,
  z: number,
  dictionary: Uint32Array | undefined,
  outBits: Uint32Array,
  outAt: number,
): void {
  switch (encoding) {
    case 'PLAIN': {
      if (z * FLOAT_BYTES > values.length)
        throw new Error(`PLAIN page of ${rows} floats in ${values.length} bytes`);
      const outBytes = new Uint8Array(
        outBits.buffer,
        outBits.byteOffset + outAt * FLOAT_BYTES,
        (z - a) * FLOAT_BYTES,
      );
      outBytes.set(values.subarray(a * FLOAT_BYTES, z * FLOAT_BYTES));
      return;
    }
    case 'PLAIN_DICTIONARY':
    case 'RLE_DICTIONARY':
      if (!dictionary) throw new Error('dictionary-encoded page before any dictionary page');
      decodeDictionaryIndices(values, dictionary, a, z, outBits, outAt);
      return;
    case 'BYTE_STREAM_SPLIT': {
      // Four streams of `rows` bytes each: byte b of value i is at b * rows + i.
      if (rows * FLOAT_BYTES > values.length)
        throw new Error(`BYTE_STREAM_SPLIT page of ${rows} floats in ${values.length} bytes`);
      for (let i = a; i < z; i++)
        outBits[outAt + i - a] =
          (values[i] |
            (values[rows + i] << 8) |
            (values[2 * rows + i] << 16) |
            (values[3 * rows + i] << 24)) >>>
          0;
      return;
    }
    default:
      throw new FastPathUnsupported(`data page encoding ${encoding}`);
  }
}

function decompress(
  body: Uint8Array,
  codec: CompressionCodec,
  uncompressedSize: number,
  compressors: Compressors,
): Uint8Array {
  if (codec === 'UNCOMPRESSED') return body;
  const decompressor = compressors[codec];
  if (!decompressor) throw new FastPathUnsupported(`codec ${codec}`);
  if (!(uncompressedSize >= 0)) throw new Error(`page declares ${uncompressedSize} uncompressed bytes`);
  return decompressor(body, uncompressedSize);
}
