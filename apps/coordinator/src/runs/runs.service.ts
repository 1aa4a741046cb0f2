import {
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  UnprocessableEntityException,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  QUEUES,
  isSafeId,
  runJobIds,
  type RecordList,
  type RecordState,
  type RunList,
  type RunListEntry,
  type RunManifest,
  type RunRequest,
  type RunStatus,
  type SubmitAnswer,
  type SubmitOutcome,
} from '@holterflow/contracts';
import { ModelVersionError, objectModelStore, resolveModelVersion } from '@holterflow/registry';
import { RunManifests } from '@holterflow/runs';
import type { ObjectStore, ObjectStorePool } from '@holterflow/storage';
import { OBJECT_STORES } from '../storage/storage.module.js';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from '../config.js';
import { REDIS } from '../queues/redis.js';
import { enqueueRun, type RunQueues } from './flow.js';
import { planRun } from './plan.js';
import { deriveRunId } from './run-id.js';
import { RunIndex } from './run-index.js';
import { RunIndexRebuild } from './run-index-rebuild.js';
import { removeRecordJobs, removeRunJobs, removeGate } from './run-jobs.js';
import { recordStatuses, runStatus } from './status.js';

/** How often a cancel retries removing jobs that were active (windows take seconds). */
const CANCEL_SWEEP_MS = 1000;
const CANCEL_SWEEP_LIMIT = 600;

@Injectable()
export class RunsService implements OnApplicationShutdown {
  private readonly logger = new Logger('runs');
  private readonly index: RunIndex;
  private readonly queues: RunQueues;
  /** The pending cancel sweep of each run (one at most). */
  private readonly sweeps = new Map<string, NodeJS.Timeout>();
  /** A sweep between its timer and its end: a resubmit waits for it before queueing afresh. */
  private readonly sweeping = new Map<string, Promise<void>>();
  /** The submission of each run id in progress: submissions of one id take turns (see submit). */
  private readonly submitting = new Map<string, Promise<unknown>>();

  constructor(
    @InjectQueue(QUEUES.classify) classify: Queue,
    @InjectQueue(QUEUES.summarize) summarize: Queue,
    @InjectQueue(QUEUES.finalize) finalize: Queue,
    @Inject(REDIS) redis: Redis,
    @Inject(COORDINATOR_CONFIG) private readonly config: CoordinatorConfig,
    @Inject(OBJECT_STORES) private readonly stores: ObjectStorePool,
    @Inject(RunIndexRebuild) private readonly rebuild: RunIndexRebuild,
  ) {
    this.queues = { connection: redis, prefix: config.queuePrefix, classify, summarize, finalize };
    this.index = new RunIndex(redis, config.queuePrefix);
  }

  private store(bucket: string): ObjectStore {
    return this.stores.forBucket(bucket);
  }

  /**
   * A run planned afresh (no manifest in S3) under an id whose jobs Redis still holds — its
   * bucket was wiped, or a second local stack shares the first one's Redis: job ids are
   * deterministic, and BullMQ adds nothing under an id it holds, so finished leftovers would stand
   * in for the new run's jobs and it would never start. They are removed first.
   */
  private async clearLeftoverJobs(manifest: RunManifest): Promise<void> {
    const finalize = await this.queues.finalize.getJobState(runJobIds.finalize(manifest.runId));
    if (finalize === 'unknown') return;
    const report = await removeRunJobs(this.queues, manifest);
    if (!report.complete)
      throw new ConflictException(
        `jobs of an earlier run ${manifest.runId} are still running (${report.busyRecords} record(s)) ` +
          'although its manifest is gone; submit again when they finish',
      );
    this.logger.warn(`run ${manifest.runId}: removed jobs left in Redis by an earlier run of that id`);
  }

  onApplicationShutdown(): void {
    for (const t of this.sweeps.values()) clearTimeout(t);
  }

  /**
   * Plans and queues a run, or resumes it: the same request gives the same run id, an existing
   * manifest is reused as planned, and re-adding the flow adds no job that already exists.
   */
  async submit(request: RunRequest): Promise<SubmitAnswer> {
    const store = this.store(request.bucket);
    let model: string;
    try {
      model = await resolveModelVersion(objectModelStore(store), request.model);
    } catch (err) {
      if (!(err instanceof ModelVersionError)) throw err;
      // No model in a bucket that is not there: the bucket is what the lab got wrong.
      if (!(await store.bucketExists()))
        throw new UnprocessableEntityException(
          `bucket ${request.bucket} does not exist at ${this.config.storage.endpoint ?? 'AWS S3'}`,
        );
      throw new UnprocessableEntityException(err.message);
    }
    const runId = request.runId ?? deriveRunId(request, model);
    return this.oneAtATime(runId, () => this.submitAs(store, request, runId, model));
  }

  /**
   * Two submissions of one request at the same moment (a double click, a retrying client) would
   * both find no manifest and plan; the later one would then take the earlier one's fresh jobs
   * for leftovers of a lost run and remove them, or refuse with a 409. Taking turns per run id, the
   * later one finds the manifest and resumes. One coordinator serves a deployment (infra/k8s), so
   * an in-process queue is enough.
   */
  private async oneAtATime<T>(runId: string, work: () => Promise<T>): Promise<T> {
    const before = this.submitting.get(runId) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(work);
    this.submitting.set(runId, mine);
    try {
      return await mine;
    } finally {
      if (this.submitting.get(runId) === mine) this.submitting.delete(runId);
    }
  }

  private async submitAs(
    store: ObjectStore,
    request: RunRequest,
    runId: string,
    model: string,
  ): Promise<SubmitAnswer> {
    const manifests = new RunManifests(store);
    const manifestKey = manifests.key(runId);
    let manifest: RunManifest;
    let outcome: SubmitOutcome;
    if (await manifests.exists(runId)) {
      manifest = await manifests.read(runId);
      if (manifest.model.version !== model || manifest.bucket !== request.bucket)
        throw new ConflictException(
          `run ${runId} already exists with model ${manifest.model.version} in bucket ${manifest.bucket}; ` +
            'choose another runId',
        );
      outcome = manifest.completedAt ? 'already-complete' : 'resumed';
      if (manifest.cancelledAt) manifest = await this.uncancel(store, manifest);
    } else {
      manifest = await planRun(store, { ...request }, runId, model);
      if (manifest.records.length === 0 && manifest.rejected.length === 0)
        throw new UnprocessableEntityException(
          request.prefix !== undefined
            ? `no recordings (*.parquet, *.arrow) under s3://${request.bucket}/${request.prefix}`
            : 'no recordings named',
        );
      // Nothing to classify is not a run: say why each recording was refused, write and queue nothing.
      if (manifest.records.length === 0)
        throw new UnprocessableEntityException({
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: `all ${manifest.rejected.length} recording(s) were rejected; nothing was planned`,
          rejected: manifest.rejected,
        });
      await this.clearLeftoverJobs(manifest);
      await manifests.create(manifest);
      outcome = 'planned';
    }
    await this.index.add(runId, manifest.bucket, manifest.createdAt);
    const report = manifest.completedAt ? { jobs: 0 } : await this.enqueue(store, manifest);
    this.logger.log(
      `run ${runId} ${outcome}: ${manifest.records.length} records, ${manifest.rejected.length} rejected, ` +
        `${report.jobs} jobs offered`,
    );
    return {
      runId,
      outcome,
      bucket: manifest.bucket,
      model,
      records: manifest.records.length,
      rejected: manifest.rejected,
      jobs: report.jobs,
      manifest: manifestKey,
    };
  }

  /**
   * Resubmitting a cancelled run resumes it: what was done stays in S3 and is not redone. Its old
   * jobs must all be gone first — one that ended after the cancel completed with a "cancelled"
   * result, and re-adding the flow would keep it (ids that exist are not added again), so the
   * resumed run would never finish. They are removed while the run still reads as cancelled (no
   * worker starts real work on them meanwhile); a window still running keeps its record's jobs,
   * and the resubmit is refused until it ends (seconds).
   */
  private async uncancel(store: ObjectStore, manifest: RunManifest): Promise<RunManifest> {
    this.stopSweep(manifest.runId);
    await this.sweeping.get(manifest.runId);
    this.stopSweep(manifest.runId); // the sweep that just ended may have planned another
    const removal = await removeRunJobs(this.queues, manifest);
    if (!removal.complete) {
      this.sweepUntilRemoved(manifest, CANCEL_SWEEP_LIMIT);
      throw new ConflictException(
        `run ${manifest.runId} was cancelled and ${removal.busyRecords} of its records still have a window ` +
          'finishing; resubmit in a few seconds',
      );
    }
    return new RunManifests(store).uncancel(manifest);
  }

  /**
   * Adds the run's flow. A cancel that comes while a large run is still being added removes the
   * finalize job the later chunks hang under, and BullMQ then refuses them ("Missing key for
   * parent job"): nothing more of the run is queued, and the submitter is told why.
   */
  private async enqueue(store: ObjectStore, manifest: RunManifest) {
    try {
      return await enqueueRun(this.queues, manifest);
    } catch (err) {
      const cancelledAt = await new RunManifests(store).cancelledAt(manifest.runId);
      if (cancelledAt)
        throw new ConflictException(
          `run ${manifest.runId} was cancelled at ${cancelledAt} while it was queued`,
        );
      throw err;
    }
  }

  async manifest(runId: string): Promise<{ manifest: RunManifest; store: ObjectStore }> {
    if (!isSafeId(runId)) throw new NotFoundException(`no run ${JSON.stringify(runId)}`);
    const bucket = (await this.index.bucketOf(runId)) ?? this.config.storage.bucket;
    const store = this.store(bucket);
    const manifests = new RunManifests(store);
    if (!(await manifests.exists(runId)))
      throw new NotFoundException(`no run ${runId} (no s3://${bucket}/${manifests.key(runId)})`);
    return { manifest: await manifests.read(runId), store };
  }

  async list(offset: number, limit: number): Promise<RunList> {
    // Read before listing: a rebuild that ends in between then errs on the side of "incomplete".
    const indexing = this.rebuild.indexing;
    const { runIds, total } = await this.index.list(offset, limit);
    const runs: RunListEntry[] = [];
    for (const runId of runIds) {
      const { manifest: m } = await this.manifest(runId).catch(() => ({ manifest: undefined }));
      if (!m) continue;
      runs.push({
        runId,
        bucket: m.bucket,
        model: m.model.version,
        createdAt: m.createdAt,
        records: m.records.length,
        rejected: m.rejected.length,
        ...(m.completedAt ? { completedAt: m.completedAt } : {}),
        ...(m.cancelledAt ? { cancelledAt: m.cancelledAt } : {}),
      });
    }
    return { runs, total, indexing };
  }

  async status(runId: string): Promise<RunStatus> {
    const { manifest, store } = await this.manifest(runId);
    return runStatus(this.queues, store, manifest, await recordStatuses(this.queues, store, manifest));
  }

  async records(
    runId: string,
    filter: { state?: RecordState; offset: number; limit: number },
  ): Promise<RecordList> {
    const { manifest, store } = await this.manifest(runId);
    const all = (await recordStatuses(this.queues, store, manifest)).filter(
      (r) => filter.state === undefined || r.state === filter.state,
    );
    return { records: all.slice(filter.offset, filter.offset + filter.limit), total: all.length };
  }

  /**
   * Marks the run cancelled in its manifest and removes its queued jobs. Windows being classified
   * right now finish (their parts are valid and a resumed run reuses them); their records' jobs
   * are removed by a sweep once they do. Jobs that become runnable before the sweep reaches them
   * (the summarize of a busy record, then finalize) read the manifest first and end without
   * writing anything (apps/worker run-cancellation.ts), so no output of a cancelled run appears
   * and the run stays cancelled.
   */
  async cancel(runId: string): Promise<{ runId: string; cancelledAt: string; busyRecords: number }> {
    const { manifest, store } = await this.manifest(runId);
    if (manifest.completedAt)
      throw new ConflictException(`run ${runId} completed at ${manifest.completedAt}`);
    // Finalize running means every record is done and summary.csv is being written: the run is
    // complete in a moment, and a cancel now could only leave its outputs half marked.
    if ((await this.queues.finalize.getJobState(runJobIds.finalize(runId))) === 'active')
      throw new ConflictException(`run ${runId} is being finalized; it completes in a moment`);
    const cancelled = await new RunManifests(store).markCancelled(manifest);
    const report = await removeRunJobs(this.queues, cancelled);
    if (!report.complete) this.sweepUntilRemoved(cancelled, CANCEL_SWEEP_LIMIT);
    return { runId, cancelledAt: cancelled.cancelledAt!, busyRecords: report.busyRecords };
  }

  /**
   * Removes the cancelled run's jobs once their running windows end. Stops when nothing is left,
   * or when the run is no longer the one cancelled (resubmitted here or by another coordinator):
   * sweeping then would remove the resumed run's fresh jobs.
   */
  private sweepUntilRemoved(cancelled: RunManifest, triesLeft: number): void {
    this.stopSweep(cancelled.runId);
    const timer = setTimeout(() => {
      this.sweeps.delete(cancelled.runId);
      const sweep = this.sweepOnce(cancelled)
        .then((done) => {
          if (!done && triesLeft > 1) this.sweepUntilRemoved(cancelled, triesLeft - 1);
        })
        .catch((err: unknown) => this.logger.warn(`cancel of ${cancelled.runId}: ${(err as Error).message}`))
        .finally(() => this.sweeping.delete(cancelled.runId));
      this.sweeping.set(cancelled.runId, sweep);
    }, CANCEL_SWEEP_MS);
    this.sweeps.set(cancelled.runId, timer);
  }

  /** True when there is nothing (more) to sweep. */
  private async sweepOnce(cancelled: RunManifest): Promise<boolean> {
    const store = this.store(cancelled.bucket);
    if ((await new RunManifests(store).cancelledAt(cancelled.runId)) !== cancelled.cancelledAt) return true;
    return (await removeRunJobs(this.queues, cancelled)).complete;
  }

  private stopSweep(runId: string): void {
    clearTimeout(this.sweeps.get(runId));
    this.sweeps.delete(runId);
  }

  /**
   * Queues the failed records of a run again (their failed jobs are removed first). Parts already
   * in S3 are reused by classify, so only the failing windows are computed again. Records the
   * planner rejected are not retried: fix the file and submit a new run.
   */
  async retryFailed(runId: string): Promise<{ runId: string; retried: string[]; notRetried: string[] }> {
    const { manifest, store } = await this.manifest(runId);
    if (manifest.cancelledAt) throw new ConflictException(`run ${runId} is cancelled; resubmit it to resume`);
    const statuses = await recordStatuses(this.queues, store, manifest);
    const failedIds = new Set(statuses.filter((s) => s.state === 'failed').map((s) => s.recordId));
    const failed = manifest.records.filter((r) => failedIds.has(r.recordId));
    const notRetried = manifest.rejected.map((r) => r.recordId);
    if (failed.length === 0) return { runId, retried: [], notRetried };

    const finalizeId = runJobIds.finalize(runId);
    const finalizeState = await this.queues.finalize.getJobState(finalizeId);
    let toQueue: RunManifest;
    if (finalizeState === 'waiting-children') {
      // Still running: swap the failed records' jobs for fresh ones under the same finalize.
      for (const record of failed)
        if (!(await removeRecordJobs(this.queues, manifest, record)))
          throw new ConflictException(`record ${record.recordId} has a window running; retry when it ends`);
      toQueue = { ...manifest, records: failed };
    } else {
      // Finished (or finalize failed): a fresh finalize over the retried records; it summarises
      // the whole run again from S3, so the records done before are in summary.csv as well.
      const removal = await removeRunJobs(this.queues, manifest);
      if (!removal.complete)
        throw new ConflictException(`run ${runId} has jobs running; retry when they end`);
      await removeGate(this.queues, runId);
      const reopened = await new RunManifests(store).reopen(manifest);
      toQueue = { ...reopened, records: failed };
    }
    await enqueueRun(this.queues, toQueue);
    return { runId, retried: failed.map((r) => r.recordId), notRetried };
  }
}
