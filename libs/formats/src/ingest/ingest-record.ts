/**
 * The one ingest conversion the CLI and the ingest worker share: raw record → canonical objects
 * written under a prefix.
 */
import { keys, type IngestResult } from '@holterflow/contracts';
import { convertRawRecord } from './convert.js';
import type { RawRecord } from './raw-record.js';

/**
 * The part of an object store ingest needs (structurally satisfied by @holterflow/storage's
 * ObjectStore; declared here so this library does not depend on the AWS SDK).
 */
export interface IngestTarget {
  /** One atomic write: a single PUT, or a multipart upload for large bodies. */
  upload(key: string, body: Uint8Array, options?: { contentType?: string }): Promise<unknown>;
  delete(key: string): Promise<void>;
}

export type IngestStage = 'converted' | 'beats-written' | 'recording-written';

const PARQUET = 'application/vnd.apache.parquet';

/**
 * Convert and write one record. Throws RecordInputError for bad input (nothing is written
 * then) and the target's own errors for storage trouble.
 *
 * Write order: reference beats first, the recording last. Each object is replaced atomically
 * by its single PUT/multipart completion, and the recording object is what makes a record
 * exist for everything downstream (runs list `*.parquet` recordings). Writing it last means
 * that whenever the new recording is visible its reference beats are already in place, and a
 * crash between the two writes leaves at worst new beats beside the previous recording of the
 * same record, never a new recording evaluated against stale or missing beats. For the same
 * reason a re-ingest without annotations deletes the old beats object before the recording.
 */
export async function ingestRecord(
  raw: RawRecord,
  target: IngestTarget,
  prefix: string,
  onStage?: (stage: IngestStage) => void | Promise<void>,
): Promise<IngestResult> {
  const objects = convertRawRecord(raw);
  await onStage?.('converted');
  const recordingKey = keys.recording(prefix, raw.recordId);
  const beatsKey = keys.referenceBeats(prefix, raw.recordId);
  let bytes = 0;
  if (objects.beatsParquet) {
    await target.upload(beatsKey, objects.beatsParquet, { contentType: PARQUET });
    bytes += objects.beatsParquet.byteLength;
  } else {
    await target.delete(beatsKey);
  }
  await onStage?.('beats-written');
  await target.upload(recordingKey, objects.recordingParquet, { contentType: PARQUET });
  bytes += objects.recordingParquet.byteLength;
  await onStage?.('recording-written');
  const { recording } = objects;
  return {
    recordId: raw.recordId,
    samples: recording.signals[0]?.length ?? 0,
    leads: recording.leads,
    fs: recording.fs,
    ...(objects.beats ? { beats: objects.beats.length } : {}),
    bytes,
    keys: { recording: recordingKey, ...(objects.beatsParquet ? { referenceBeats: beatsKey } : {}) },
  };
}
