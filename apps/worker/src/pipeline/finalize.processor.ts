/**
 * finalize(run): once every summarize(record) has finished, gather each record's summary.json or
 * error.json (and the records rejected at planning) into runs/<run>/summary.csv and
 * summary.parquet, then mark the manifest complete. A cancelled run is neither summarised nor
 * marked complete: finalize becomes runnable after a cancel when the last record that was busy
 * ends, and the run must stay cancelled until it is resubmitted.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import {
  RecordErrorSchema,
  RecordSummarySchema,
  keys,
  childFailures,
  type FinalizeJob,
  type FinalizeResult,
  type PlannedRecord,
  type RunCancelledResult,
  type RunManifest,
} from '@holterflow/contracts';
import type { ObjectStore } from '@holterflow/storage';
import { ObjectStores } from '../stores.js';
import pMap from 'p-map';
import { runSummaryCsv, runSummaryParquet, type RunSummaryRow } from '@holterflow/report';
import { RunManifests } from '@holterflow/runs';

const READS_AT_ONCE = 16;

@Injectable()
export class FinalizeProcessor {
  private readonly logger = new Logger('finalize');

  constructor(@Inject(ObjectStores) private readonly stores: ObjectStores) {}

  async process(payload: FinalizeJob, job: Job): Promise<FinalizeResult | RunCancelledResult> {
    const result = await this.finalize(
      payload,
      childFailures(await job.getIgnoredChildrenFailures(), 'summarize', (ref) => ref.recordId),
    );
    if ('cancelled' in result) {
      this.logger.log(`${job.id}: run cancelled at ${result.cancelledAt}; not finalized`);
      return result;
    }
    this.logger.log(
      `${job.id}: ${result.completed} of ${result.records} records complete, ${result.beats} beats`,
    );
    return result;
  }

  private async finalize(
    job: FinalizeJob,
    failures: Map<string, string>,
  ): Promise<FinalizeResult | RunCancelledResult> {
    const store = this.stores.forBucket(job.bucket);
    const manifests = new RunManifests(store);
    const manifest = await manifests.read(job.runId);
    if (manifest.cancelledAt) return cancelledResult(manifest, manifest.cancelledAt);
    const planned = await pMap(
      manifest.records,
      (r) => recordRow(store, job.runId, r, failures.get(r.recordId)),
      { concurrency: READS_AT_ONCE },
    );
    const rejected: RunSummaryRow[] = manifest.rejected.map((r) => ({
      recordId: r.recordId,
      status: 'rejected',
      error: r.error,
      summary: null,
    }));
    const rows = [...planned, ...rejected];
    await store.put(keys.runSummaryCsv(job.runId), runSummaryCsv(rows), { contentType: 'text/csv' });
    await store.put(keys.runSummaryParquet(job.runId), runSummaryParquet(rows), {
      contentType: 'application/vnd.apache.parquet',
    });
    // Read again just before marking it complete: a cancel that came while the summaries were
    // written must win (writing the manifest read above would erase its cancelledAt). The
    // coordinator refuses a cancel once finalize is active, so this covers only the moment
    // between finalize starting and the coordinator seeing it active.
    const latest = await manifests.read(job.runId);
    if (latest.cancelledAt) return cancelledResult(latest, latest.cancelledAt);
    // Re-finalizing (a resumed run) keeps the first completion time.
    await manifests.markComplete(latest);
    const completed = rows.filter((r) => r.status === 'complete');
    return {
      records: rows.length,
      completed: completed.length,
      failed: rows.length - completed.length,
      beats: completed.reduce((s, r) => s + (r.summary?.beats ?? 0), 0),
    };
  }
}

function cancelledResult(manifest: RunManifest, cancelledAt: string): RunCancelledResult {
  return { runId: manifest.runId, cancelled: true, cancelledAt };
}

async function recordRow(
  store: ObjectStore,
  runId: string,
  record: PlannedRecord,
  summarizeFailure: string | undefined,
): Promise<RunSummaryRow> {
  const summaryKey = keys.runRecordSummary(runId, record.recordId);
  if (await store.exists(summaryKey))
    return {
      recordId: record.recordId,
      status: 'complete',
      error: null,
      summary: await store.getJson(summaryKey, RecordSummarySchema),
    };
  const errorKey = keys.runRecordError(runId, record.recordId);
  const error = (await store.exists(errorKey))
    ? (await store.getJson(errorKey, RecordErrorSchema)).error
    : (summarizeFailure ?? 'the record was not summarized (no summary.json or error.json)');
  return { recordId: record.recordId, status: 'failed', error, summary: null };
}
