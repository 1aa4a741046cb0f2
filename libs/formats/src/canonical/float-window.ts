/**
 * A sample window of float32 lead columns read with the fast column decoder: which column chunks
 * it needs, fetched in as few ranged reads as possible (the row groups a window touches are
 * contiguous in the file, so a window is usually one read), then decoded into the outputs.
 */
import {
  parquetSchema,
  type AsyncBuffer,
  type CompressionCodec,
  type Compressors,
  type FileMetaData,
} from 'hyparquet';
import { decodeFloatColumnChunk, FastPathUnsupported } from './fast-column.js';

/**
 * Chunks closer than this are fetched by one read, the gap included: reading 512 KiB more costs
 * less than another S3 round trip. Our layout has no gaps between the columns of a window.
 */
const MAX_GAP_BYTES = 512 * 1024;

interface ByteRange {
  start: number;
  end: number;
}

interface PlannedChunk extends ByteRange {
  /** Index of the output (the lead in the order asked). */
  output: number;
  codec: CompressionCodec;
  numRows: number;
  from: number;
  to: number;
  outAt: number;
  /** Index of the fetch that covers it. */
  fetch: number;
}

export interface FloatWindowPlan {
  chunks: PlannedChunk[];
  fetches: ByteRange[];
}

/**
 * The chunks of rows [start, end) of `columns`, or undefined when a column is not a REQUIRED
 * top-level FLOAT column with a codec we can decompress (hyparquet reads those).
 */
export function planFloatWindow(
  footer: FileMetaData,
  columns: string[],
  start: number,
  end: number,
  compressors: Compressors,
): FloatWindowPlan | undefined {
  const fields = new Map(parquetSchema(footer).children.map((c) => [c.element.name, c]));
  for (const name of columns) {
    const field = fields.get(name);
    if (!field || field.children.length > 0) return undefined;
    if (field.element.type !== 'FLOAT' || field.element.repetition_type !== 'REQUIRED') return undefined;
  }
  const chunks: PlannedChunk[] = [];
  let groupStart = 0;
  for (const group of footer.row_groups) {
    const groupRows = Number(group.num_rows);
    const from = Math.max(start, groupStart) - groupStart;
    const to = Math.min(end, groupStart + groupRows) - groupStart;
    if (from < to) {
      for (const [output, name] of columns.entries()) {
        const chunk = group.columns.find(
          (c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name,
        );
        const meta = chunk?.meta_data;
        if (!chunk || !meta || chunk.file_path || meta.type !== 'FLOAT') return undefined;
        if (meta.codec !== 'UNCOMPRESSED' && !compressors[meta.codec]) return undefined;
        // As hyparquet does: a dictionary_page_offset of 0 means none.
        const chunkStart = Number(meta.dictionary_page_offset || meta.data_page_offset);
        const chunkEnd = chunkStart + Number(meta.total_compressed_size);
        chunks.push({
          output,
          start: chunkStart,
          end: chunkEnd,
          codec: meta.codec,
          numRows: groupRows,
          from,
          to,
          outAt: groupStart + from - start,
          fetch: -1,
        });
      }
    }
    groupStart += groupRows;
  }
  return { chunks, fetches: coalesce(chunks) };
}

/** Merges the chunks' byte ranges into fetches (gaps up to MAX_GAP_BYTES) and links each chunk to its fetch. */
function coalesce(chunks: PlannedChunk[]): ByteRange[] {
  const fetches: ByteRange[] = [];
  const byStart = [...chunks].sort((x, y) => x.start - y.start);
  for (const chunk of byStart) {
    const last = fetches[fetches.length - 1];
    if (last && chunk.start - last.end <= MAX_GAP_BYTES) last.end = Math.max(last.end, chunk.end);
    else fetches.push({ start: chunk.start, end: chunk.end });
    chunk.fetch = fetches.length - 1;
  }
  return fetches;
}

/**
 * Fetches and decodes the plan into `outputs`. Returns false, with `outputs` partly written, when
 * a page is outside the fast path (the caller then reads the window with hyparquet); throws on
 * bytes that are corrupt or outside the file.
 */
export async function readFloatWindow(
  file: AsyncBuffer,
  plan: FloatWindowPlan,
  outputs: Float32Array[],
  compressors: Compressors,
): Promise<boolean> {
  for (const { start, end } of plan.fetches)
    if (!(
      Number.isSafeInteger(start) &&
      Number.isSafeInteger(end) &&
      0 <= start &&
      start <= end &&
      end <= file.byteLength
    ))
      throw new Error(`column chunk bytes [${start}, ${end}) are outside the ${file.byteLength}-byte file`);
  const buffers = await Promise.all(plan.fetches.map(({ start, end }) => file.slice(start, end)));
  for (const [i, buffer] of buffers.entries()) {
    const expected = plan.fetches[i].end - plan.fetches[i].start;
    if (buffer.byteLength !== expected) throw new Error(`read ${buffer.byteLength} of ${expected} bytes`);
  }
  try {
    for (const chunk of plan.chunks) {
      const fetch = plan.fetches[chunk.fetch];
      const bytes = new Uint8Array(buffers[chunk.fetch], chunk.start - fetch.start, chunk.end - chunk.start);
      decodeFloatColumnChunk({ ...chunk, bytes, out: outputs[chunk.output] }, compressors);
    }
  } catch (err) {
    if (err instanceof FastPathUnsupported) return false;
    throw err;
  }
  return true;
}
