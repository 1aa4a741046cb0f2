/** How run progress and results read in a terminal. */
import { AAMI_CLASSES } from '@holterflow/contracts/plain';
import { formatTable } from '../ingest/report.js';
import type { RecordStatus, RunStatus } from '@holterflow/contracts/plain';

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0
    ? `${h}h${String(m).padStart(2, '0')}m`
    : m > 0
      ? `${m}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

export function formatStatus(p: RunStatus): string {
  const lines = [
    `run ${p.runId}: ${p.state}${p.error ? ` (${p.error})` : ''} — model ${p.model}, bucket ${p.bucket}`,
    `records ${p.records.done} done, ${p.records.failed} failed, ${p.records.running} running, ` +
      `${p.records.queued} queued of ${p.records.total}`,
    `windows ${p.windows.done}/${p.windows.total}, ${p.beats} beats, ${p.recordedHours.toFixed(2)} recorded hours`,
  ];
  if (p.throughput)
    lines.push(
      `throughput ${p.throughput.beatsPerSecond.toFixed(0)} beats/s, ` +
        `${p.throughput.recordedHoursPerWallMinute.toFixed(2)} recorded h per minute; ETA ${formatDuration(p.etaSeconds)}`,
    );
  lines.push(
    `outputs s3://${p.bucket}/${p.outputs.summaryCsv} (+ .parquet), per record under s3://${p.bucket}/runs/${p.runId}/records/`,
  );
  return lines.join('\n');
}

/** One row per record: its class counts where done, its error where failed. */
export function formatRecords(bucket: string, records: RecordStatus[]): string {
  const rows = records.map((r) => [
    r.recordId,
    r.state,
    String(r.beats),
    ...AAMI_CLASSES.map((c) => (r.classCounts ? String(r.classCounts[c] ?? 0) : '')),
    r.outputs ? `s3://${bucket}/${r.outputs.beats.replace(/beats\.parquet$/, '')}` : (r.error ?? ''),
  ]);
  return formatTable(['record', 'state', 'beats', ...AAMI_CLASSES, 'outputs / error'], rows);
}

/** One row per run: state, model, records, creation time. */
export function formatRunList(runs: RunStatus[]): string {
  const rows = runs.map((r) => [
    r.runId,
    r.state,
    r.model,
    `${r.records.done}/${r.records.total}`,
    String(r.records.failed),
    r.bucket,
    r.createdAt,
  ]);
  return formatTable(['run', 'state', 'model', 'done', 'failed', 'bucket', 'created'], rows);
}
