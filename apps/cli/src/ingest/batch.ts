/**
 * A batch of local records through the shared ingest conversion, a few at a time, going on
 * past bad records: every record ends as a result or as a failure with file and problem.
 */
import { dirname, isAbsolute, join } from 'node:path';
import pMap from 'p-map';
import { RecordInputError, type IngestResult } from '@holterflow/contracts';
import { ingestRecord, rawRecordBytes, type IngestTarget } from '@holterflow/formats';
import type { LocalRecord } from './discover.js';
import { readLocalRecord } from './local-record.js';

export interface RecordFailure {
  recordId: string;
  file: string;
  problem: string;
}

export interface RecordDone {
  record: LocalRecord;
  bytesRead: number;
  result?: IngestResult;
  failure?: RecordFailure;
}

export interface BatchOptions {
  target: IngestTarget;
  prefix: string;
  /** Records converted at once (conversion is CPU-bound; uploads overlap with it). */
  concurrency: number;
  onRecordDone?: (done: RecordDone) => void;
}

export async function ingestBatch(
  records: readonly LocalRecord[],
  options: BatchOptions,
): Promise<{ results: IngestResult[]; failures: RecordFailure[] }> {
  const results: IngestResult[] = [];
  const failures: RecordFailure[] = [];
  const runOne = async (record: LocalRecord): Promise<RecordDone> => {
    let bytesRead = 0;
    try {
      const raw = await readLocalRecord(record);
      bytesRead = rawRecordBytes(raw);
      return { record, bytesRead, result: await ingestRecord(raw, options.target, options.prefix) };
    } catch (err) {
      return { record, bytesRead, failure: failureOf(record, err) };
    }
  };
  await pMap(
    records,
    async (record) => {
      const done = await runOne(record);
      if (done.result) results.push(done.result);
      if (done.failure) failures.push(done.failure);
      options.onRecordDone?.(done);
    },
    { concurrency: Math.max(1, options.concurrency) },
  );
  const byId = (a: { recordId: string }, b: { recordId: string }) => a.recordId.localeCompare(b.recordId);
  return { results: results.sort(byId), failures: failures.sort(byId) };
}

function failureOf(record: LocalRecord, err: unknown): RecordFailure {
  if (err instanceof RecordInputError) {
    // Readers name files as the header does (`100.dat`); the technician needs the full path.
    const file =
      err.file === undefined
        ? record.path
        : isAbsolute(err.file)
          ? err.file
          : join(dirname(record.path), err.file);
    return { recordId: record.recordId, file, problem: err.problem };
  }
  // Anything else (storage, unexpected) is reported the same way so the batch still finishes.
  return {
    recordId: record.recordId,
    file: record.path,
    problem: err instanceof Error ? err.message : String(err),
  };
}
