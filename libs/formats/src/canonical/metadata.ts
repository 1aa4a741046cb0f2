/**
 * The canonical recording's key-value metadata (docs/ARCHITECTURE.md "Canonical recording"), shared by the
 * Parquet and Arrow IPC forms, and its validation on read.
 */
import { RecordInputError } from '@holterflow/contracts';
import type { EcgRecording } from '../recording.js';

export const META_KEYS = {
  fs: 'holterflow.fs',
  recordId: 'holterflow.record_id',
  start: 'holterflow.start',
  leads: 'holterflow.leads',
  units: 'holterflow.units',
  source: 'holterflow.source',
} as const;

/** What a reader learns from a recording's footer alone, without reading samples. */
export interface RecordingMeta {
  recordId: string;
  /** Sampling rate in Hz. */
  fs: number;
  /** Lead names in recording order (= column names). */
  leads: string[];
  start?: string;
  source: string;
  /** Always "mV". */
  units: string;
  /** Samples per lead. */
  numSamples: number;
  /** Rows per row group (every group but the last has exactly this many). */
  rowGroupSize: number;
  /** Each row group's first sample and sample count, in order. */
  rowGroups: { start: number; count: number }[];
}

/** The key-value pairs a writer stores for a recording. */
export function recordingKeyValues(rec: EcgRecording): { key: string; value: string }[] {
  const kv: { key: string; value: string }[] = [
    { key: META_KEYS.fs, value: String(rec.fs) },
    { key: META_KEYS.recordId, value: rec.recordId },
    { key: META_KEYS.leads, value: JSON.stringify(rec.leads) },
    { key: META_KEYS.units, value: 'mV' },
    { key: META_KEYS.source, value: rec.source },
  ];
  if (rec.start) kv.push({ key: META_KEYS.start, value: rec.start });
  return kv;
}

/** Throws RecordInputError unless the recording can be written as a canonical recording. */
export function assertWritableRecording(rec: EcgRecording): void {
  const fail = (problem: string): never => {
    throw new RecordInputError(rec.recordId, problem);
  };
  if (!Number.isFinite(rec.fs) || rec.fs <= 0) fail(`sampling rate ${rec.fs} Hz is not a positive number`);
  if (rec.leads.length === 0) fail('recording has no leads');
  if (rec.leads.length !== rec.signals.length)
    fail(`${rec.leads.length} lead names for ${rec.signals.length} signals`);
  if (new Set(rec.leads).size !== rec.leads.length)
    fail(`lead names are not unique: ${rec.leads.join(', ')}`);
  if (rec.leads.some((l) => l === '')) fail('a lead has an empty name');
  const n = rec.signals[0].length;
  if (rec.signals.some((s) => s.length !== n)) fail('leads have different sample counts');
}

/** The stem of an object key or file name, used as record id in errors before the metadata is read. */
export function recordIdFromName(name: string): string {
  const base = name.split('/').pop() ?? name;
  return base.replace(/(\.beats)?\.[A-Za-z]+$/, '') || name;
}

/**
 * Validate the key-value metadata against the file's float32 columns and return the recording's
 * identity. `columns` are the names of the file's columns that are float32 (candidate leads);
 * `otherColumns` are those that are not.
 */
export function parseRecordingKeyValues(
  kv: ReadonlyMap<string, string>,
  floatColumns: readonly string[],
  otherColumns: readonly string[],
  name: string,
): Pick<RecordingMeta, 'recordId' | 'fs' | 'leads' | 'start' | 'source' | 'units'> {
  const recordId = kv.get(META_KEYS.recordId) || recordIdFromName(name);
  const fail = (problem: string): never => {
    throw new RecordInputError(recordId, problem, name);
  };
  const fsText = kv.get(META_KEYS.fs);
  if (fsText === undefined)
    fail(`metadata key ${META_KEYS.fs} (sampling rate in Hz) is missing: not a HolterFlow recording`);
  const fs = Number(fsText);
  if (!Number.isFinite(fs) || fs <= 0)
    fail(`metadata ${META_KEYS.fs} = "${fsText}" is not a positive number`);
  const units = kv.get(META_KEYS.units) ?? 'mV';
  if (units !== 'mV') fail(`metadata ${META_KEYS.units} = "${units}", expected mV`);

  let leads: string[];
  const leadsText = kv.get(META_KEYS.leads);
  if (leadsText === undefined) leads = [...floatColumns];
  else leads = parseLeadList(leadsText, fail);
  if (leads.length === 0) fail('recording has no lead columns');
  for (const lead of leads) {
    if (otherColumns.includes(lead)) fail(`lead column ${lead} is not float32`);
    if (!floatColumns.includes(lead)) fail(`lead ${lead} is named in ${META_KEYS.leads} but has no column`);
  }
  const extra = floatColumns.filter((c) => !leads.includes(c));
  if (extra.length > 0) fail(`columns ${extra.join(', ')} are not named in ${META_KEYS.leads}`);
  if (otherColumns.length > 0) fail(`columns ${otherColumns.join(', ')} are not float32 lead columns`);

  return {
    recordId,
    fs,
    leads,
    ...(kv.get(META_KEYS.start) ? { start: kv.get(META_KEYS.start) } : {}),
    source: kv.get(META_KEYS.source) ?? 'unknown',
    units,
  };
}

/**
 * Our writers store a JSON array; a comma-separated list is accepted too, because files made by
 * other tools (pyarrow, a lab's own converter) are easier to write that way.
 */
function parseLeadList(text: string, fail: (p: string) => never): string[] {
  if (text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return fail(`metadata ${META_KEYS.leads} is not valid JSON: ${text}`);
    }
    if (!Array.isArray(parsed) || parsed.some((l) => typeof l !== 'string'))
      fail(`metadata ${META_KEYS.leads} must be an array of lead names`);
    return parsed as string[];
  }
  return text
    .split(',')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Row-group layout from per-group row counts. */
export function rowGroupLayout(counts: readonly number[]): Pick<RecordingMeta, 'rowGroupSize' | 'rowGroups'> {
  const rowGroups: { start: number; count: number }[] = [];
  let start = 0;
  for (const count of counts) {
    rowGroups.push({ start, count });
    start += count;
  }
  return { rowGroupSize: counts.length ? Math.max(...counts) : 0, rowGroups };
}
