/**
 * Whether a run was cancelled, read from its manifest (`cancelledAt`, written by the coordinator's
 * POST /runs/:id/cancel and cleared when the run is resubmitted). Cancel removes the run's queued
 * jobs, but jobs can still become runnable afterwards: the summarize of a record whose window was
 * running when the cancel came (its last child finishes), then finalize, or a job a worker took
 * between the manifest write and the removal. Each flow job therefore asks here before it starts
 * and, when the run is cancelled, returns a RunCancelledResult without writing anything.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { RunCancelledResult } from '@holterflow/contracts';
import { RunManifests } from '@holterflow/runs';
import { ObjectNotFound } from '@holterflow/storage';
import { ObjectStores } from '../stores.js';

/**
 * How long classify may trust an earlier "not cancelled" answer for the same run. A classify job
 * that starts on such an answer after a cancel only writes a valid part (reused on resume), so a
 * few seconds of staleness cost at most one window per worker, and a 48-window × 1,000-record run
 * does not fetch its manifest 48,000 times. "Cancelled" is never cached: a resubmit clears it, and
 * a stale "cancelled" would make the resumed run's windows skip their work.
 */
const NOT_CANCELLED_TTL_MS = 5_000;

@Injectable()
export class RunCancellation {
  private readonly notCancelledSince = new Map<string, number>();

  constructor(@Inject(ObjectStores) private readonly stores: ObjectStores) {}

  /**
   * The run's cancellation as a job result, or undefined when the run may go on. Summarize and
   * finalize ask with `fresh` (they write the run's outputs; one manifest read per record is
   * nothing next to merging its parts); classify may use a recent "not cancelled".
   */
  async check(bucket: string, runId: string, fresh: boolean): Promise<RunCancelledResult | undefined> {
    const cacheKey = `${bucket}/${runId}`;
    const seen = this.notCancelledSince.get(cacheKey);
    if (!fresh && seen !== undefined && Date.now() - seen < NOT_CANCELLED_TTL_MS) return undefined;
    const cancelledAt = await this.readCancelledAt(bucket, runId);
    if (cancelledAt === undefined) {
      this.remember(cacheKey);
      return undefined;
    }
    this.notCancelledSince.delete(cacheKey);
    return { runId, cancelled: true, cancelledAt };
  }

  /** One entry per run seen lately; expired ones are dropped so a long-lived worker holds few. */
  private remember(cacheKey: string): void {
    const now = Date.now();
    for (const [key, since] of this.notCancelledSince)
      if (now - since >= NOT_CANCELLED_TTL_MS) this.notCancelledSince.delete(key);
    this.notCancelledSince.set(cacheKey, now);
  }

  private async readCancelledAt(bucket: string, runId: string): Promise<string | undefined> {
    try {
      // Only the field this needs is validated: a manifest holds every record (~300 KB for 1,000).
      return await new RunManifests(this.stores.forBucket(bucket)).cancelledAt(runId);
    } catch (err) {
      // No manifest: nothing was cancelled (the job itself says what to do; finalize needs the
      // manifest and fails on its own read).
      if (err instanceof ObjectNotFound) return undefined;
      throw err;
    }
  }
}
