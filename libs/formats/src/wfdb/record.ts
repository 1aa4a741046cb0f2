/**
 * Read a whole WFDB record (header, signals, optional annotations). The byte-level reader
 * (`readWfdbRecordFromFiles`) has no file system access, so records can come from S3 or an
 * upload as well as from a directory (`readWfdbRecord`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RecordInputError } from '@holterflow/contracts';
import type { DroppedSignal, EcgRecording } from '../recording.js';
import { parseWfdbHeader, type WfdbHeader } from './header.js';
import { decodeWfdbSignals } from './signals.js';
import {
  parseWfdbAnnotations,
  referenceBeats,
  type ReferenceBeat,
  type WfdbAnnotation,
} from './annotations.js';

/**
 * A WFDB record as a recording: its voltage signals are the leads (in mV); signals in other units
 * (blood pressure, respiration...) are left out and listed in `dropped`.
 */
export interface WfdbRecord extends EcgRecording {
  header: WfdbHeader;
  dropped: DroppedSignal[];
  /** All annotations of the annotator file, when it exists. */
  annotations?: WfdbAnnotation[];
  /** Beat annotations with AAMI classes, when annotations exist. */
  beats?: ReferenceBeat[];
}

/**
 * Decode a record from its files' bytes.
 * @param files file name (as the header names it, e.g. `100.hea`, `100.dat`, `100.atr`) → bytes.
 *   `<recordId>.hea` is required, every data file the header names is required, and
 *   `<recordId>.<annotator>` is read when present.
 */
export function readWfdbRecordFromFiles(
  recordId: string,
  files: ReadonlyMap<string, Uint8Array>,
  annotator = 'atr',
): WfdbRecord {
  const headerName = `${recordId}.hea`;
  const headerBytes = files.get(headerName);
  if (!headerBytes) throw new RecordInputError(recordId, 'header file not found', headerName);
  const header = parseWfdbHeader(new TextDecoder('latin1').decode(headerBytes), recordId, headerName);
  if (header.signals.length === 0)
    throw new RecordInputError(recordId, 'header describes no signals', headerName);
  const decoded = decodeWfdbSignals(header, recordId, (fileName) => {
    const bytes = files.get(fileName);
    if (!bytes) throw new RecordInputError(recordId, `data file ${fileName} is missing`, fileName);
    return bytes;
  });
  const lead = header.signals.map((_, i) => decoded.units[i] === 'mV');
  const dropped: DroppedSignal[] = header.signals
    .filter((_, i) => !lead[i])
    .map((s) => ({ label: s.description, fs: header.fs, reason: `unit "${s.units}" is not a voltage` }));
  if (!lead.includes(true))
    throw new RecordInputError(
      recordId,
      `no ECG signal: no signal is in a voltage unit (${header.signals.map((s) => `${s.description} ${s.units}`).join(', ')})`,
      headerName,
    );
  const formats = [...new Set(header.signals.map((s) => s.format))].join('+');
  const record: WfdbRecord = {
    recordId,
    fs: header.fs,
    leads: uniqueLeadNames(header.signals.filter((_, i) => lead[i]).map((s) => s.description)),
    signals: decoded.signals.filter((_, i) => lead[i]),
    start: header.start,
    source: `wfdb:${formats}`,
    header,
    dropped,
  };
  const annName = `${recordId}.${annotator}`;
  const annBytes = files.get(annName);
  if (annBytes) {
    record.annotations = parseWfdbAnnotations(annBytes, recordId, annName);
    record.beats = referenceBeats(record.annotations);
  }
  return record;
}

/**
 * Read record `<dir>/<recordId>.hea` with its data files and, when present, `<recordId>.<annotator>`.
 * @param headerPath path to the .hea file
 */
export function readWfdbRecord(headerPath: string, annotator = 'atr'): WfdbRecord {
  const dir = dirname(headerPath);
  const recordId = basename(headerPath).replace(/\.hea$/i, '');
  if (!existsSync(headerPath)) throw new RecordInputError(recordId, 'header file not found', headerPath);
  const headerBytes = readFileSync(headerPath);
  const header = parseWfdbHeader(headerBytes.toString('latin1'), recordId, headerPath);
  const files = new Map<string, Uint8Array>([[`${recordId}.hea`, headerBytes]]);
  for (const fileName of new Set(header.signals.map((s) => s.fileName))) {
    const path = join(dir, fileName);
    if (!existsSync(path)) throw new RecordInputError(recordId, `data file ${fileName} is missing`, path);
    files.set(fileName, readFileSync(path));
  }
  const annPath = join(dir, `${recordId}.${annotator}`);
  if (existsSync(annPath)) files.set(`${recordId}.${annotator}`, readFileSync(annPath));
  return readWfdbRecordFromFiles(recordId, files, annotator);
}

/**
 * Lead names become Parquet column names, so they must be unique and non-empty; a header that
 * names two signals alike (e.g. two "ECG") gets "ECG", "ECG_2".
 */
function uniqueLeadNames(descriptions: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return descriptions.map((d, i) => {
    const base = d.trim() || `signal${i}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  });
}
