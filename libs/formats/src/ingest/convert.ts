/** Raw record files → the bytes of the canonical objects (no I/O). */
import { InvalidIdError, RecordInputError, assertSafeId } from '@holterflow/contracts';
import type { EcgRecording } from '../recording.js';
import type { ReferenceBeat } from '../wfdb/annotations.js';
import { readWfdbRecordFromFiles } from '../wfdb/record.js';
import { writeRecordingParquet } from '../canonical/parquet-write.js';
import { writeReferenceBeatsParquet } from '../canonical/beats.js';
import { readEdfRecording } from '../edf/select.js';
import { primaryFileName, type RawRecord } from './raw-record.js';

export interface CanonicalObjects {
  recording: EcgRecording;
  recordingParquet: Uint8Array;
  /** Reference beats, present when the record came with annotations (WFDB .atr). */
  beats?: ReferenceBeat[];
  beatsParquet?: Uint8Array;
}

/** Throws RecordInputError for every input problem, including an unsafe record id. */
export function convertRawRecord(raw: RawRecord): CanonicalObjects {
  try {
    assertSafeId('record', raw.recordId);
  } catch (err) {
    if (err instanceof InvalidIdError)
      throw new RecordInputError(raw.recordId, `${err.message} (rename the file)`, primaryFileName(raw));
    throw err;
  }
  if (raw.format === 'edf') {
    // `dropped` (non-ECG signals left out) is the reader's report, not part of the recording.
    const { dropped: _dropped, ...recording } = readEdfRecording(raw.recordId, raw.bytes, raw.fileName);
    return { recording, recordingParquet: writeRecordingParquet(recording) };
  }
  const record = readWfdbRecordFromFiles(raw.recordId, raw.files);
  const recording: EcgRecording = {
    recordId: record.recordId,
    fs: record.fs,
    leads: record.leads,
    signals: record.signals,
    ...(record.start ? { start: record.start } : {}),
    source: record.source,
  };
  const out: CanonicalObjects = { recording, recordingParquet: writeRecordingParquet(recording) };
  if (record.beats) {
    out.beats = record.beats;
    out.beatsParquet = writeReferenceBeatsParquet(record.beats);
  }
  return out;
}
