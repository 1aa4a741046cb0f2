/** Read a whole WFDB record (header, signals, optional annotations) from a directory. */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RecordInputError } from '@holterflow/contracts';
import { parseWfdbHeader, type WfdbHeader } from './header.js';
import { decodeWfdbSignals } from './signals.js';
import {
  parseWfdbAnnotations,
  referenceBeats,
  type ReferenceBeat,
  type WfdbAnnotation,
} from './annotations.js';

export interface EcgRecording {
  recordId: string;
  /** Sampling rate in Hz. */
  fs: number;
  /** Lead names, one per signal. */
  leads: string[];
  /** One Float32Array per lead, in mV. */
  signals: Float32Array[];
  /** ISO 8601 start when known. */
  start?: string;
  /** Provenance, e.g. "wfdb:212". */
  source: string;
}

export interface WfdbRecord extends EcgRecording {
  header: WfdbHeader;
  /** All annotations of the annotator file, when it exists. */
  annotations?: WfdbAnnotation[];
  /** Beat annotations with AAMI classes, when annotations exist. */
  beats?: ReferenceBeat[];
}

/**
 * Read record `<dir>/<recordId>.hea` with its data files and, when present, `<recordId>.<annotator>`.
 * @param headerPath path to the .hea file
 */
export function readWfdbRecord(headerPath: string, annotator = 'atr'): WfdbRecord {
  const dir = dirname(headerPath);
  const recordId = basename(headerPath).replace(/\.hea$/i, '');
  if (!existsSync(headerPath)) throw new RecordInputError(recordId, 'header file not found', headerPath);
  const header = parseWfdbHeader(readFileSync(headerPath, 'latin1'), recordId, headerPath);
  const { signals } = decodeWfdbSignals(header, recordId, (fileName) => {
    const path = join(dir, fileName);
    if (!existsSync(path)) throw new RecordInputError(recordId, `data file ${fileName} is missing`, path);
    return readFileSync(path);
  });
  const formats = [...new Set(header.signals.map((s) => s.format))].join('+');
  const record: WfdbRecord = {
    recordId,
    fs: header.fs,
    leads: header.signals.map((s) => s.description),
    signals,
    start: header.start,
    source: `wfdb:${formats}`,
    header,
  };
  const annPath = join(dir, `${recordId}.${annotator}`);
  if (existsSync(annPath)) {
    record.annotations = parseWfdbAnnotations(readFileSync(annPath), recordId, annPath);
    record.beats = referenceBeats(record.annotations);
  }
  return record;
}
