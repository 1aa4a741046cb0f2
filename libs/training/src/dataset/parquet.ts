/**
 * The beat dataset as Parquet — the contract the training library reads. One row per beat:
 * record_id (string), sample (int32, R-peak at the native rate), symbol (WFDB), aami (N/S/V/F/Q),
 * label (int32 0..4), rr_prev_ms / rr_next_ms / rr_local_ms (float32), x000..x186 (float32), and
 * y000..y186 (float32, the second lead's cut; absent in datasets written before it was stored);
 * key-value metadata holterflow.beat_fs = 125, holterflow.beat_length = 187,
 * holterflow.segmentation = the cut's version, holterflow.record_fs = {record id: native Hz}
 * (datasets written before it lack it; rhythm features need it).
 */
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import { ByteWriter, parquetWrite, type ColumnSource } from 'hyparquet-writer';
import { AAMI_CLASSES, RecordInputError, type AamiClass } from '@holterflow/contracts';
import { BEAT_FS, BEAT_LENGTH } from '@holterflow/ecg';
import type { BeatDataset } from './types.js';

const DATASET_ID = 'beat-dataset';
export const BEAT_COLUMNS = Array.from({ length: BEAT_LENGTH }, (_, i) => `x${String(i).padStart(3, '0')}`);
/** The second lead's cut. */
export const SECOND_BEAT_COLUMNS = BEAT_COLUMNS.map((c) => `y${c.slice(1)}`);
const META_COLUMNS = [
  'record_id',
  'sample',
  'symbol',
  'aami',
  'label',
  'rr_prev_ms',
  'rr_next_ms',
  'rr_local_ms',
];

export function writeBeatDataset(ds: BeatDataset): Uint8Array {
  const n = ds.labels.length;
  if (ds.x.length !== n * BEAT_LENGTH)
    throw new RangeError(`x holds ${ds.x.length} values, expected ${n} × ${BEAT_LENGTH}`);
  const columnData: ColumnSource[] = [
    { name: 'record_id', data: ds.recordIds, type: 'STRING', nullable: false },
    { name: 'sample', data: ds.samples, type: 'INT32', nullable: false },
    { name: 'symbol', data: ds.symbols, type: 'STRING', nullable: false },
    { name: 'aami', data: ds.aami, type: 'STRING', nullable: false },
    { name: 'label', data: ds.labels, type: 'INT32', nullable: false },
    { name: 'rr_prev_ms', data: ds.rrPrevMs, type: 'FLOAT', nullable: false },
    { name: 'rr_next_ms', data: ds.rrNextMs, type: 'FLOAT', nullable: false },
    { name: 'rr_local_ms', data: ds.rrLocalMs, type: 'FLOAT', nullable: false },
  ];
  if (ds.x2 && ds.x2.length !== ds.x.length)
    throw new RangeError(`x2 holds ${ds.x2.length} values, expected ${ds.x.length}`);
  const cuts: [Float32Array, string[]][] = [[ds.x, BEAT_COLUMNS]];
  if (ds.x2) cuts.push([ds.x2, SECOND_BEAT_COLUMNS]);
  for (const [x, names] of cuts)
    for (let k = 0; k < BEAT_LENGTH; k++) {
      const column = new Float32Array(n);
      for (let i = 0; i < n; i++) column[i] = x[i * BEAT_LENGTH + k];
      // Byte-stream-split makes float columns compress well without a costly dictionary attempt.
      columnData.push({
        name: names[k],
        data: column,
        type: 'FLOAT',
        nullable: false,
        encoding: 'BYTE_STREAM_SPLIT',
      });
    }
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    columnData,
    statistics: false,
    rowGroupSize: 50_000,
    kvMetadata: [
      { key: 'holterflow.beat_fs', value: String(BEAT_FS) },
      { key: 'holterflow.beat_length', value: String(BEAT_LENGTH) },
      { key: 'holterflow.segmentation', value: ds.segmentation },
      ...(ds.recordFs ? [{ key: 'holterflow.record_fs', value: JSON.stringify(ds.recordFs) }] : []),
    ],
  });
  return new Uint8Array(writer.getBuffer());
}

/** Read and validate a beat dataset (`name` names the file in error messages). */
export async function readBeatDataset(bytes: Uint8Array, name = 'beats.parquet'): Promise<BeatDataset> {
  const fail = (problem: string): never => {
    throw new RecordInputError(DATASET_ID, problem, name);
  };
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let metadata: ReturnType<typeof parquetMetadata>;
  try {
    metadata = parquetMetadata(buffer);
  } catch (err) {
    return fail(`not a Parquet file or its footer is corrupt (${(err as Error).message})`);
  }
  const kv = new Map((metadata.key_value_metadata ?? []).map((e) => [e.key, e.value ?? '']));
  if (kv.get('holterflow.beat_fs') !== String(BEAT_FS))
    fail(
      `holterflow.beat_fs is ${kv.get('holterflow.beat_fs') ?? 'missing'}, expected ${BEAT_FS}: not a beat dataset of this model`,
    );
  if (kv.get('holterflow.beat_length') !== String(BEAT_LENGTH))
    fail(
      `holterflow.beat_length is ${kv.get('holterflow.beat_length') ?? 'missing'}, expected ${BEAT_LENGTH}`,
    );
  const segmentation =
    kv.get('holterflow.segmentation') ?? fail('holterflow.segmentation metadata is missing');
  const names = parquetSchema(metadata).children.map((c) => c.element.name);
  const missing = [...META_COLUMNS, ...BEAT_COLUMNS].filter((c) => !names.includes(c));
  if (missing.length)
    fail(
      `columns missing: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ` and ${missing.length - 8} more` : ''}`,
    );
  const extraBeat = names.filter((c) => /^x\d+$/.test(c) && !BEAT_COLUMNS.includes(c));
  if (extraBeat.length)
    fail(`beat is wider than ${BEAT_LENGTH} samples (extra columns ${extraBeat.slice(0, 4).join(', ')})`);

  const secondLead = SECOND_BEAT_COLUMNS.every((c) => names.includes(c));
  const n = Number(metadata.num_rows);
  const ds: BeatDataset = {
    x: new Float32Array(n * BEAT_LENGTH),
    ...(secondLead ? { x2: new Float32Array(n * BEAT_LENGTH) } : {}),
    labels: new Int32Array(n),
    recordIds: new Array<string>(n),
    samples: new Int32Array(n),
    symbols: new Array<string>(n),
    aami: new Array<AamiClass>(n),
    rrPrevMs: new Float32Array(n),
    rrNextMs: new Float32Array(n),
    rrLocalMs: new Float32Array(n),
    segmentation,
  };
  const recordFs = kv.get('holterflow.record_fs');
  if (recordFs !== undefined) {
    const parsed = safeJson(recordFs);
    const valid =
      typeof parsed === 'object' &&
      parsed !== null &&
      Object.values(parsed).every((v) => typeof v === 'number' && v > 0);
    if (!valid) fail('holterflow.record_fs is not a map of record id to sampling rate (Hz)');
    ds.recordFs = parsed as Record<string, number>;
  }
  const beatColumn = new Map(BEAT_COLUMNS.map((c, k) => [c, k]));
  const secondColumn = new Map(SECOND_BEAT_COLUMNS.map((c, k) => [c, k]));
  const copy = (target: { [i: number]: unknown }, data: ArrayLike<unknown>, rowStart: number): void => {
    for (let i = 0; i < data.length; i++) target[rowStart + i] = data[i];
  };
  await parquetRead({
    file: buffer,
    metadata,
    columns: [...META_COLUMNS, ...BEAT_COLUMNS, ...(secondLead ? SECOND_BEAT_COLUMNS : [])],
    onChunk: ({ columnName, columnData, rowStart }) => {
      const k = beatColumn.get(columnName);
      const k2 = secondColumn.get(columnName);
      const [into, at] =
        k !== undefined ? [ds.x, k] : k2 !== undefined && ds.x2 ? [ds.x2, k2] : [undefined, 0];
      if (into) {
        for (let i = 0; i < columnData.length; i++)
          into[(rowStart + i) * BEAT_LENGTH + at] = columnData[i] as number;
        return;
      }
      const target = {
        record_id: ds.recordIds,
        sample: ds.samples,
        symbol: ds.symbols,
        aami: ds.aami,
        label: ds.labels,
        rr_prev_ms: ds.rrPrevMs,
        rr_next_ms: ds.rrNextMs,
        rr_local_ms: ds.rrLocalMs,
      }[columnName];
      if (target) copy(target as { [i: number]: unknown }, columnData, rowStart);
    },
  });
  validate(ds, fail);
  return ds;
}

function validate(ds: BeatDataset, fail: (problem: string) => never): void {
  for (const [x, names] of [
    [ds.x, BEAT_COLUMNS],
    [ds.x2, SECOND_BEAT_COLUMNS],
  ] as const)
    if (x)
      for (let i = 0; i < x.length; i++)
        if (!Number.isFinite(x[i]))
          fail(`beat ${Math.floor(i / BEAT_LENGTH)} (${names[i % BEAT_LENGTH]}) is not a finite number`);
  const rr = { rr_prev_ms: ds.rrPrevMs, rr_next_ms: ds.rrNextMs, rr_local_ms: ds.rrLocalMs };
  for (const [column, values] of Object.entries(rr))
    for (let i = 0; i < values.length; i++)
      if (!Number.isFinite(values[i])) fail(`${column} of beat ${i} is not a finite number`);
  for (let i = 0; i < ds.labels.length; i++) {
    const cls = AAMI_CLASSES[ds.labels[i]];
    if (cls === undefined) fail(`label of beat ${i} is ${ds.labels[i]}, expected 0..4`);
    if (ds.aami[i] !== cls) fail(`beat ${i} has label ${ds.labels[i]} (${cls}) but aami "${ds.aami[i]}"`);
    if (typeof ds.recordIds[i] !== 'string' || ds.recordIds[i] === '')
      fail(`record_id of beat ${i} is empty`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
