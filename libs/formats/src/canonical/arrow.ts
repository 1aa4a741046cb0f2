/**
 * The canonical recording as Arrow IPC (file format, `.arrow`): the same float32 lead columns and
 * the same `holterflow.*` schema metadata as the Parquet form, record batches of a fixed size.
 * Arrow IPC is uncompressed and is read whole (apache-arrow has no ranged reader over an
 * AsyncBuffer); Parquet is the form for range reads from S3.
 */
import {
  Field,
  Float32,
  RecordBatch,
  Schema,
  Struct,
  Table,
  makeData,
  tableFromIPC,
  tableToIPC,
  type Type,
} from 'apache-arrow';
import { RecordInputError } from '@holterflow/contracts';
import type { EcgRecording } from '../recording.js';
import { readAllBytes, type AsyncBuffer } from './async-buffer.js';
import {
  assertWritableRecording,
  parseRecordingKeyValues,
  recordIdFromName,
  recordingKeyValues,
  rowGroupLayout,
  type RecordingMeta,
} from './metadata.js';
import { DEFAULT_RECORDING_LAYOUT } from './parquet-write.js';

export function writeRecordingArrow(rec: EcgRecording, opts: { batchSize?: number } = {}): Uint8Array {
  assertWritableRecording(rec);
  const batchSize = opts.batchSize ?? DEFAULT_RECORDING_LAYOUT.rowGroupSize;
  const fields = rec.leads.map((lead) => new Field(lead, new Float32(), false));
  const metadata = new Map(recordingKeyValues(rec).map(({ key, value }) => [key, value]));
  const schema = new Schema(fields, metadata);
  const n = rec.signals[0].length;
  const batches: RecordBatch[] = [];
  // An empty recording still gets one (empty) batch so the schema and metadata are written.
  for (let start = 0; start === 0 || start < n; start += batchSize) {
    const length = Math.min(batchSize, n - start);
    const children = rec.signals.map((s) =>
      makeData({ type: new Float32(), length, nullCount: 0, data: s.subarray(start, start + length) }),
    );
    const data = makeData({ type: new Struct(fields), length, nullCount: 0, children });
    batches.push(new RecordBatch(schema, data));
  }
  return tableToIPC(new Table(schema, batches), 'file');
}

/** A decoded Arrow recording: metadata plus all samples (Arrow files are read whole). */
export interface ArrowRecording {
  meta: RecordingMeta;
  recording: EcgRecording;
}

export async function readRecordingArrow(
  file: AsyncBuffer,
  name = 'recording.arrow',
): Promise<ArrowRecording> {
  const bytes = await readAllBytes(file);
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (err) {
    throw new RecordInputError(
      recordIdFromName(name),
      `not an Arrow IPC file or it is corrupt (${(err as Error).message})`,
      name,
    );
  }
  const floatColumns: string[] = [];
  const otherColumns: string[] = [];
  for (const f of table.schema.fields) {
    const isFloat32 = f.type.typeId === (3 satisfies Type.Float) && (f.type as Float32).precision === 1;
    (isFloat32 ? floatColumns : otherColumns).push(f.name);
  }
  const identity = parseRecordingKeyValues(table.schema.metadata, floatColumns, otherColumns, name);
  const signals = identity.leads.map((lead) => {
    const column = table.getChild(lead)!;
    if (column.nullCount > 0)
      throw new RecordInputError(
        identity.recordId,
        `lead ${lead} has ${column.nullCount} null samples`,
        name,
      );
    return column.toArray() as Float32Array;
  });
  const meta: RecordingMeta = {
    ...identity,
    numSamples: table.numRows,
    ...rowGroupLayout(table.batches.map((b) => b.numRows)),
  };
  const recording: EcgRecording = {
    recordId: identity.recordId,
    fs: identity.fs,
    leads: identity.leads,
    signals,
    ...(identity.start ? { start: identity.start } : {}),
    source: identity.source,
  };
  return { meta, recording };
}
