/**
 * The run's summary table (one row per planned or rejected record) as CSV and Parquet. Rows in
 * manifest order, numbers as written by JSON, so the same run gives the same bytes.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { parquetReadObjects } from 'hyparquet';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { AAMI_CLASSES, type AamiClass, type HolterReport, type RecordSummary } from '@holterflow/contracts';

export type RecordStatus = 'complete' | 'failed' | 'rejected';

export interface RunSummaryRow {
  recordId: string;
  status: RecordStatus;
  /** Set unless the record is complete. */
  error: string | null;
  summary: RecordSummary | null;
}

/** Column name and value; integer counts end in a count-like name (see isCount below). */
const HOLTER_COLUMNS: readonly [string, (h: HolterReport) => number | null][] = [
  ['analysable_s', (h) => h.recording.analysableSeconds],
  ['hr_min_bpm', (h) => h.heartRate.minBpm],
  ['hr_max_bpm', (h) => h.heartRate.maxBpm],
  ['count_v_runs', (h) => h.ventricular.runs.count],
  ['count_v_couplets', (h) => h.ventricular.couplets],
  ['v_longest_run_beats', (h) => h.ventricular.runs.longest?.beats ?? null],
  ['v_fastest_run_bpm', (h) => h.ventricular.runs.fastest?.rateBpm ?? null],
  ['bigeminy_s', (h) => h.ventricular.bigeminy.totalSeconds],
  ['trigeminy_s', (h) => h.ventricular.trigeminy.totalSeconds],
  ['count_sv_runs', (h) => h.supraventricular.runs.count],
  ['count_pauses', (h) => h.pauses.count],
  ['longest_pause_s', (h) => h.pauses.longest?.durationS ?? null],
  ['count_af_episodes', (h) => h.atrialFibrillation.count],
  ['af_burden_pct', (h) => h.atrialFibrillation.burdenPercent],
  ['sdnn_ms', (h) => h.hrv.sdnnMs],
  ['rmssd_ms', (h) => h.hrv.rmssdMs],
  ['lf_hf', (h) => h.hrv.lfHf],
];

const HEADER = [
  'record_id',
  'status',
  'beats',
  ...AAMI_CLASSES.map((c) => `count_${c}`),
  ...AAMI_CLASSES.map((c) => `burden_${c}`),
  'mean_hr_bpm',
  'duration_s',
  'unreadable_s',
  'analysable',
  // Holter headline figures (summary.json "holter"; definitions in libs/report/README.md).
  ...HOLTER_COLUMNS.map(([name]) => name),
  'model_version',
  'error',
];

function cells(row: RunSummaryRow): (string | number | boolean | null)[] {
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
    s ? s.analysable : null,
    ...HOLTER_COLUMNS.map(([, value]) => (s?.holter ? value(s.holter) : null)),
    s ? s.modelVersion : null,
    row.error,
  ];
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(value: string | number | boolean | null): string {
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
  const isCount = (name: string) =>
    name === 'beats' || name.startsWith('count_') || name === 'v_longest_run_beats';
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    columnData: HEADER.map((name, i) => ({
      name,
      data: column(i),
      type: isText(name) ? 'STRING' : name === 'analysable' ? 'BOOLEAN' : isCount(name) ? 'INT32' : 'DOUBLE',
      nullable: name !== 'record_id' && name !== 'status',
    })),
    codec: 'GZIP',
    compressors: { GZIP: (input: Uint8Array) => gzipSync(input, { level: 6 }) },
    statistics: false,
    createdBy: 'holterflow',
  });
  return new Uint8Array(writer.getBuffer());
}

/** What a row of summary.parquet says of a record's beats (the figures run status shows). */
export interface RunSummaryCounts {
  recordId: string;
  status: RecordStatus;
  /** Null unless the record is complete. */
  beats: number | null;
  classCounts: Record<AamiClass, number> | null;
}

/**
 * The beats and class counts of every row of a run's summary.parquet (runSummaryParquet's
 * columns): one read in place of a summary.json per record, for a finished run's status.
 */
export async function readRunSummaryCounts(parquet: Uint8Array): Promise<RunSummaryCounts[]> {
  const countColumns = AAMI_CLASSES.map((c) => `count_${c}`);
  const file = parquet.buffer.slice(parquet.byteOffset, parquet.byteOffset + parquet.byteLength);
  const rows = (await parquetReadObjects({
    file: file as ArrayBuffer,
    columns: ['record_id', 'status', 'beats', ...countColumns],
    compressors: { GZIP: (input: Uint8Array) => gunzipSync(input) },
  })) as Record<string, unknown>[];
  return rows.map((row) => {
    const beats = row.beats === null || row.beats === undefined ? null : Number(row.beats);
    return {
      recordId: String(row.record_id),
      status: row.status as RecordStatus,
      beats,
      classCounts:
        beats === null
          ? null
          : (Object.fromEntries(AAMI_CLASSES.map((c) => [c, Number(row[`count_${c}`] ?? 0)])) as Record<
              AamiClass,
              number
            >),
    };
  });
}
