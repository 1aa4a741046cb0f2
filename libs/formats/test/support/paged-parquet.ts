/**
 * A Parquet recording assembled page by page, for the page shapes hyparquet-writer never writes:
 * DATA_PAGE (v1), v2 pages stored uncompressed under a codec, and chunks that mix dictionary and
 * PLAIN pages (what pyarrow writes when the dictionary grows too big mid-chunk). Page headers and
 * the footer are serialised by hyparquet-writer's own Thrift code; the values are encoded here.
 */
import { gzipSync } from 'node:zlib';
import { ByteWriter } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';
import { recordingKeyValues, type EcgRecording } from '@holterflow/formats';

// hyparquet-writer's types come from its own copy of hyparquet: take them from its functions.
type FileMetaData = Parameters<typeof writeMetadata>[1];
type ColumnChunk = FileMetaData['row_groups'][number]['columns'][number];
type Encoding = NonNullable<ColumnChunk['meta_data']>['encodings'][number];
type PageHeader = Parameters<typeof writePageHeader>[1];

export type PageEncoding = 'PLAIN' | 'BYTE_STREAM_SPLIT' | 'RLE_DICTIONARY' | 'PLAIN_DICTIONARY';

export interface PageSpec {
  version: 1 | 2;
  encoding: PageEncoding;
  rows: number;
  /** v2 only: false stores the values uncompressed under the chunk's codec (is_compressed=false). */
  compressed?: boolean;
  /** Keep only this many bytes of the encoded values (a truncated page; header sizes match the cut). */
  truncateValuesTo?: number;
  /** Declare this uncompressed size in the page header instead of the real one (a corrupt header). */
  declaredUncompressedSize?: number;
}

export interface PagedLayout {
  rowGroupSize: number;
  codec: 'GZIP' | 'SNAPPY' | 'UNCOMPRESSED';
  /** The pages of one column chunk; their rows must add up to `groupRows`. */
  pages: (group: number, groupRows: number) => PageSpec[];
}

const compress: Record<PagedLayout['codec'], (b: Uint8Array) => Uint8Array> = {
  UNCOMPRESSED: (b) => b,
  GZIP: (b) => new Uint8Array(gzipSync(b)),
  SNAPPY: (b) => snappyCompress(b),
};

export function pagedRecordingParquet(rec: EcgRecording, layout: PagedLayout): Uint8Array {
  const writer = new ByteWriter();
  writer.appendUint32(0x31524150); // PAR1
  const numRows = rec.signals[0].length;
  const rowGroups = [];
  for (let g = 0, start = 0; start < numRows; g++, start += layout.rowGroupSize) {
    const rows = Math.min(layout.rowGroupSize, numRows - start);
    const pages = layout.pages(g, rows);
    if (pages.reduce((s, p) => s + p.rows, 0) !== rows)
      throw new Error(`pages of group ${g} do not add up to ${rows}`);
    const columns = rec.leads.map((lead, i) =>
      writeChunk(writer, lead, rec.signals[i].subarray(start, start + rows), pages, layout.codec),
    );
    rowGroups.push({ columns, total_byte_size: BigInt(rows * 4 * rec.leads.length), num_rows: BigInt(rows) });
  }
  writeMetadata(writer, {
    version: 2,
    schema: [
      { name: 'root', num_children: rec.leads.length },
      ...rec.leads.map((name) => ({ name, type: 'FLOAT' as const, repetition_type: 'REQUIRED' as const })),
    ],
    num_rows: BigInt(numRows),
    row_groups: rowGroups,
    key_value_metadata: recordingKeyValues(rec),
    created_by: 'holterflow test (paged)',
    metadata_length: 0,
  });
  writer.appendUint32(0x31524150);
  return new Uint8Array(writer.getBuffer());
}

function writeChunk(
  writer: ByteWriter,
  name: string,
  values: Float32Array,
  pages: PageSpec[],
  codec: PagedLayout['codec'],
): ColumnChunk {
  const chunkStart = writer.offset;
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const usesDictionary = pages.some((p) => p.encoding.endsWith('DICTIONARY'));
  const dictionary = new Map<number, number>();
  let dictionary_page_offset: bigint | undefined;
  if (usesDictionary) {
    let at = 0;
    for (const page of pages) {
      if (page.encoding.endsWith('DICTIONARY'))
        for (let i = at; i < at + page.rows; i++)
          if (!dictionary.has(bits[i])) dictionary.set(bits[i], dictionary.size);
      at += page.rows;
    }
    dictionary_page_offset = BigInt(writer.offset);
    const plain = new Uint8Array(Uint32Array.from(dictionary.keys()).buffer);
    writePage(writer, plain, compress[codec](plain), undefined, {
      type: 'DICTIONARY_PAGE',
      dictionary_page_header: { num_values: dictionary.size, encoding: 'PLAIN' },
    });
  }
  const data_page_offset = BigInt(writer.offset);
  const encodings = new Set<Encoding>(usesDictionary ? ['PLAIN'] : []);
  let at = 0;
  for (const page of pages) {
    encodings.add(page.encoding);
    const raw = encodeValues(bits.subarray(at, at + page.rows), page.encoding, dictionary).subarray(
      0,
      page.truncateValuesTo,
    );
    if (page.version === 1) {
      encodings.add('RLE'); // the (absent) levels' encoding, as v1 writers list it
      writePage(writer, raw, compress[codec](raw), page.declaredUncompressedSize, {
        type: 'DATA_PAGE',
        data_page_header: {
          num_values: page.rows,
          encoding: page.encoding,
          definition_level_encoding: 'RLE',
          repetition_level_encoding: 'RLE',
        },
      });
    } else {
      const compressed = page.compressed ?? true;
      writePage(writer, raw, compressed ? compress[codec](raw) : raw, page.declaredUncompressedSize, {
        type: 'DATA_PAGE_V2',
        data_page_header_v2: {
          num_values: page.rows,
          num_nulls: 0,
          num_rows: page.rows,
          encoding: page.encoding,
          definition_levels_byte_length: 0,
          repetition_levels_byte_length: 0,
          is_compressed: compressed,
        },
      });
    }
    at += page.rows;
  }
  const size = BigInt(writer.offset - chunkStart);
  return {
    file_offset: BigInt(chunkStart),
    meta_data: {
      type: 'FLOAT',
      encodings: [...encodings],
      path_in_schema: [name],
      codec,
      num_values: BigInt(values.length),
      total_uncompressed_size: size,
      total_compressed_size: size,
      data_page_offset,
      dictionary_page_offset,
    },
  };
}

function writePage(
  writer: ByteWriter,
  raw: Uint8Array,
  stored: Uint8Array,
  declaredUncompressedSize: number | undefined,
  header: Omit<PageHeader, 'uncompressed_page_size' | 'compressed_page_size'>,
): void {
  writePageHeader(writer, {
    ...header,
    uncompressed_page_size: declaredUncompressedSize ?? raw.length,
    compressed_page_size: stored.length,
  });
  writer.appendBytes(stored);
}

function encodeValues(
  bits: Uint32Array,
  encoding: PageEncoding,
  dictionary: Map<number, number>,
): Uint8Array {
  if (encoding === 'PLAIN') return new Uint8Array(bits.slice().buffer);
  if (encoding === 'BYTE_STREAM_SPLIT') {
    const n = bits.length;
    const out = new Uint8Array(n * 4);
    for (let i = 0; i < n; i++) for (let b = 0; b < 4; b++) out[b * n + i] = (bits[i] >>> (8 * b)) & 0xff;
    return out;
  }
  const indices = Array.from(bits, (b) => dictionary.get(b)!);
  const maxIndex = indices.reduce((m, i) => Math.max(m, i), 0);
  const width = Math.ceil(Math.log2(maxIndex + 1));
  const page = new ByteWriter();
  page.appendUint8(width);
  writeRleBitPackedHybrid(page, indices, width);
  return new Uint8Array(page.getBuffer());
}
