/**
 * Removing a run's queued work (cancel, retry-failed), one job at a time from the bottom up.
 *
 * Why not `remove(id, { removeChildren: true })`: BullMQ's Lua finds a child's id as the text
 * after the last ':' of its key, and the run's job ids (runJobIds) contain ':', so recursive
 * removal deletes the wrong keys and leaves the children behind (seen against bullmq 6.7 in
 * apps/coordinator/test/runs.test.ts). Removing each job by its own id is exact. A job being
 * processed is locked and stays; its record is reported busy and the caller tries again later.
 */
import { Queue } from 'bullmq';
import { gateQueueName, runJobIds, type PlannedRecord, type RunManifest } from '@holterflow/contracts';
import pMap from 'p-map';
import type { RunQueues } from './flow.js';

/** Removals in flight at once (one Lua call each, pipelined on the coordinator's connection). */
const REMOVE_CONCURRENCY = 64;

export interface RemovalReport {
  /** True when nothing of the run is left in the queues. */
  complete: boolean;
  /** Records with a job still active (locked by a worker), so not removed yet. */
  busyRecords: number;
}

/** Removes one record's summarize and classify jobs; false when one of them is active. */
export async function removeRecordJobs(
  queues: RunQueues,
  manifest: RunManifest,
  record: PlannedRecord,
): Promise<boolean> {
  const windows = Array.from({ length: record.windows }, (_, w) => w);
  const removed = await pMap(
    windows,
    async (w) => {
      const id = runJobIds.classify(manifest.runId, record.recordId, w);
      return (
        (await queues.classify.getJobState(id)) === 'unknown' || (await queues.classify.remove(id)) === 1
      );
    },
    { concurrency: REMOVE_CONCURRENCY },
  );
  const summarizeId = runJobIds.summarize(manifest.runId, record.recordId);
  const summarizeGone =
    (await queues.summarize.getJobState(summarizeId)) === 'unknown' ||
    (await queues.summarize.remove(summarizeId)) === 1;
  return summarizeGone && removed.every(Boolean);
}

export async function removeRunJobs(queues: RunQueues, manifest: RunManifest): Promise<RemovalReport> {
  const done = await pMap(manifest.records, (record) => removeRecordJobs(queues, manifest, record), {
    concurrency: 4,
  });
  const busyRecords = done.filter((ok) => !ok).length;
  if (busyRecords > 0) return { complete: false, busyRecords };
  const finalizeId = runJobIds.finalize(manifest.runId);
  const finalizeGone =
    (await queues.finalize.getJobState(finalizeId)) === 'unknown' ||
    (await queues.finalize.remove(finalizeId)) === 1;
  if (finalizeGone) await removeGate(queues, manifest.runId);
  return { complete: finalizeGone, busyRecords: 0 };
}

/** The gate is per run; removing it lets a fresh flow (retry after the end) get a fresh gate. */
export async function removeGate(queues: RunQueues, runId: string): Promise<void> {
  const gate = new Queue(gateQueueName(runId), { connection: queues.connection, prefix: queues.prefix });
  try {
    await gate.remove('gate');
  } finally {
    await gate.close();
  }
}
