/** One interface over both canonical forms, chosen by the object's extension. */
import { RecordInputError } from '@holterflow/contracts';
import type { EcgRecording } from '../recording.js';
import type { AsyncBuffer } from './async-buffer.js';
import { readRecordingArrow } from './arrow.js';
import { recordIdFromName, type RecordingMeta } from './metadata.js';
import { readRecordingMeta, readRecordingSamples } from './parquet-read.js';

export interface RecordingSource {
  meta: RecordingMeta;
  /** Samples [start, end) of the given leads (all when omitted), in mV. */
  readSamples(start: number, end: number, leads?: string[]): Promise<Float32Array[]>;
  readAll(): Promise<EcgRecording>;
}

/**
 * Open `<recordId>.parquet` (footer now, samples by row group later) or `<recordId>.arrow`
 * (read whole now).
 */
export async function openRecording(name: string, file: AsyncBuffer): Promise<RecordingSource> {
  if (/\.parquet$/i.test(name)) {
    const meta = await readRecordingMeta(file, name);
    return {
      meta,
      readSamples: (start, end, leads) => readRecordingSamples(file, start, end, leads, meta, name),
      readAll: async () => ({
        recordId: meta.recordId,
        fs: meta.fs,
        leads: meta.leads,
        signals: await readRecordingSamples(file, 0, meta.numSamples, undefined, meta, name),
        ...(meta.start ? { start: meta.start } : {}),
        source: meta.source,
      }),
    };
  }
  if (/\.arrow$/i.test(name)) {
    const { meta, recording } = await readRecordingArrow(file, name);
    return {
      meta,
      readSamples: async (start, end, leads) => sliceSamples(recording, meta, start, end, leads, name),
      readAll: async () => recording,
    };
  }
  throw new RecordInputError(
    recordIdFromName(name),
    'unknown recording format: expected .parquet or .arrow',
    name,
  );
}

function sliceSamples(
  rec: EcgRecording,
  meta: RecordingMeta,
  start: number,
  end: number,
  leads: string[] | undefined,
  name: string,
): Float32Array[] {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > meta.numSamples)
    throw new RangeError(
      `sample window [${start}, ${end}) is outside [0, ${meta.numSamples}) of ${meta.recordId}`,
    );
  return (leads ?? meta.leads).map((lead) => {
    const i = meta.leads.indexOf(lead);
    if (i < 0)
      throw new RecordInputError(
        meta.recordId,
        `lead ${lead} is not in the recording (has ${meta.leads.join(', ')})`,
        name,
      );
    return rec.signals[i].slice(start, end);
  });
}
