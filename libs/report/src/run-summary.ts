/**
 * The run's summary table (one row per planned or rejected record) as CSV and Parquet. Rows in
 * manifest order, numbers as written by JSON, so the same run gives the same bytes.
 */
import { gzipSync } from 'node:zlib';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { AAMI_CLASSES, type RecordSummary } from '@holterflow/contracts';

export type RecordStatus = 'complete' | 'failed' | 'rejected';

export interface RunSummaryRow {
  recordId: string;
  status: RecordStatus;
  /** Set unless the record is complete. */
  error: string | null;
  summary: RecordSummary | null;
}

const HEADER = [
  'record_id',
  'status',
  'beats',
  ...AAMI_CLASSES.map((c) => `count_${c}`),
  ...AAMI_CLASSES.map((c) => `burden_${c}`),
  'mean_hr_bpm',
  'duration_s',
  'unreadable_s',
  'model_version',
  'error',
];

function cells(row: RunSummaryRow): (string | number | null)[] {
  const s = row.summary;
  return [
    row.recordId,
    row.status,
    s ? s.beats : null,
    ...AAMI_CLASSES.map((c) => (s ? s.classCounts[c] : null)),
    ...AAMI_CLASSES.map((c) => (s ? s.burden[c] : null)),
    s ? s.meanHeartRateBpm : null,
    s ? s.durationSeconds : null,
    s ? s.unreadableSeconds : null,
    s ? s.modelVersion : null,
    row.error,
  ];
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function runSummaryCsv(rows: readonly RunSummaryRow[]): string {
  const lines = [HEADER.join(','), ...rows.map((r) => cells(r).map(csvField).join(','))];
  return `${lines.join('\n')}\n`;
}

export function runSummaryParquet(rows: readonly RunSummaryRow[]): Uint8Array {
  const table = rows.map(cells);
  const column = (i: number) => table.map((r) => r[i]);
  const isText = (name: string) => ['record_id', 'status', 'model_version', 'error'].includes(name);
  const isCount = (name: string) => name === 'beats' || name.startsWith('count_');
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    columnData: HEADER.map((name, i) => ({
      name,
      data: column(i),
      type: isText(name) ? 'STRING' : isCount(name) ? 'INT32' : 'DOUBLE',
      nullable: name !== 'record_id' && name !== 'status',
    })),
    codec: 'GZIP',
    compressors: { GZIP: (input: Uint8Array) => gzipSync(input, { level: 6 }) },
    statistics: false,
    createdBy: 'holterflow',
  });
  return new Uint8Array(writer.getBuffer());
}
