/** Reference beats beside a recording: `<recordId>.beats.parquet` (sample int64, symbol, aami). */
import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer } from 'hyparquet';
import { parquetCompressors as compressors } from './compressors.js';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { RecordInputError, isAamiClass } from '@holterflow/contracts';
import type { ReferenceBeat } from '../wfdb/annotations.js';
import { parseWithInputErrors } from './async-buffer.js';
import { recordIdFromName } from './metadata.js';

export function writeReferenceBeatsParquet(beats: readonly ReferenceBeat[]): Uint8Array {
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    columnData: [
      {
        name: 'sample',
        data: BigInt64Array.from(beats, (b) => BigInt(b.sample)),
        type: 'INT64',
        nullable: false,
      },
      { name: 'symbol', data: beats.map((b) => b.symbol), type: 'STRING', nullable: false },
      { name: 'aami', data: beats.map((b) => b.aami), type: 'STRING', nullable: false },
    ],
    // A record has a few thousand beats: one row group, read whole.
    rowGroupSize: Math.max(1, beats.length),
    createdBy: 'holterflow',
  });
  return new Uint8Array(writer.getBuffer());
}

export async function readReferenceBeats(
  file: AsyncBuffer,
  name = 'record.beats.parquet',
): Promise<ReferenceBeat[]> {
  const recordId = recordIdFromName(name);
  const fail = (problem: string): never => {
    throw new RecordInputError(recordId, problem, name);
  };
  const rows = await parseWithInputErrors(
    file,
    async (f) => {
      const metadata = await parquetMetadataAsync(f);
      const names = metadata.schema.slice(1).map((e) => e.name);
      for (const col of ['sample', 'symbol', 'aami'])
        if (!names.includes(col)) fail(`reference beats have no ${col} column`);
      return parquetReadObjects({ file: f, metadata, columns: ['sample', 'symbol', 'aami'], compressors });
    },
    (err) =>
      err instanceof RecordInputError
        ? err
        : new RecordInputError(
            recordId,
            `not a readable reference-beats Parquet file (${err.message})`,
            name,
          ),
  );
  return rows.map((row, i) => {
    const sample = Number(row.sample);
    if (!Number.isInteger(sample) || sample < 0)
      fail(`row ${i}: sample ${String(row.sample)} is not a sample index`);
    if (typeof row.symbol !== 'string') fail(`row ${i}: symbol is not a string`);
    if (!isAamiClass(row.aami)) fail(`row ${i}: aami ${String(row.aami)} is not one of N, S, V, F, Q`);
    return { sample, symbol: row.symbol as string, aami: row.aami as ReferenceBeat['aami'] };
  });
}
