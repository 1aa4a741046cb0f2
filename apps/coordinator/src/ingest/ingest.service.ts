import {
  BadRequestException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import {
  InvalidJobError,
  JOB_CONTRACTS,
  QUEUES,
  parseJobData,
  type IngestJob,
  type IngestSource,
} from '@holterflow/contracts';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from '../config.js';
import type { EnqueuedRecord, IngestJobStatus, IngestRequest } from './ingest.dto.js';
import { RawObjects, rawKeysOf } from './raw-objects.js';

const contract = JOB_CONTRACTS[QUEUES.ingest];

/** Job states in which a job is still going to run: adding it again would be a duplicate. */
const PENDING_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

@Injectable()
export class IngestService {
  constructor(
    @InjectQueue(QUEUES.ingest) private readonly queue: Queue,
    @Inject(COORDINATOR_CONFIG) private readonly config: CoordinatorConfig,
    @Inject(RawObjects) private readonly rawObjects: RawObjects,
  ) {}

  /**
   * One job per record, validated against the queue contract and checked for its raw objects
   * before anything is added, so a request with one bad record adds nothing. The job id is deterministic: a record already
   * waiting or running is not added twice; a finished one (completed or failed) is replaced,
   * because re-ingesting means "convert again" (e.g. after the raw files were fixed).
   */
  async enqueue(request: IngestRequest): Promise<EnqueuedRecord[]> {
    const bucket = request.bucket;
    const jobs = request.records.map((r, index) => {
      const recordId = r.recordId ?? stemOf(r.source);
      try {
        return parseJobData(QUEUES.ingest, contract.payload, {
          bucket,
          recordId,
          source: r.source,
          targetPrefix: request.to,
        });
      } catch (err) {
        if (err instanceof InvalidJobError)
          throw new BadRequestException({
            statusCode: 400,
            error: 'Bad Request',
            message: `records[${index}] (${recordId}) cannot be ingested`,
            problems: err.issues,
          });
        throw err;
      }
    });
    const ids = new Set<string>();
    for (const job of jobs) {
      const id = contract.jobId(job);
      if (ids.has(id))
        throw new BadRequestException(`record ${job.recordId} is named twice for the same target prefix`);
      ids.add(id);
    }
    const missing = await this.rawObjects.missing(
      bucket,
      jobs.flatMap((job) => rawKeysOf(job.source)),
    );
    if (missing.length > 0)
      throw new UnprocessableEntityException({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: `${missing.length} raw object(s) do not exist in bucket ${bucket}; nothing was queued`,
        missing: missing.slice(0, 100),
      });
    const out: EnqueuedRecord[] = [];
    for (const job of jobs) out.push(await this.add(job));
    return out;
  }

  private async add(job: IngestJob): Promise<EnqueuedRecord> {
    const jobId = contract.jobId(job);
    const existing = await this.queue.getJob(jobId);
    let outcome: EnqueuedRecord['outcome'] = 'queued';
    if (existing) {
      const state = await existing.getState();
      if (PENDING_STATES.has(state)) return { recordId: job.recordId, jobId, outcome: 'already-queued' };
      await existing.remove();
      outcome = 'requeued';
    }
    await this.queue.add(contract.name, job, {
      jobId,
      attempts: contract.attempts,
      backoff: { type: 'exponential', delay: contract.backoffMs },
      // Finished jobs stay visible (GET /ingest/:jobId, Bull Board) for a week; S3 keeps the outcome.
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    return { recordId: job.recordId, jobId, outcome };
  }

  async status(jobId: string): Promise<IngestJobStatus> {
    // State first, then the job: read the other way round, a job finishing in between would
    // show as completed without its result.
    const state = await this.queue.getJobState(jobId);
    const job = state === 'unknown' ? undefined : await this.queue.getJob(jobId);
    if (!job)
      throw new NotFoundException(`no ingest job ${JSON.stringify(jobId)} (finished jobs are kept 7 days)`);
    const data = job.data as Partial<IngestJob>;
    return {
      jobId,
      recordId: data.recordId ?? '',
      state,
      progress: job.progress,
      attemptsMade: job.attemptsMade,
      ...(state === 'completed' ? { result: job.returnvalue } : {}),
      ...(job.failedReason ? { failedReason: job.failedReason } : {}),
    };
  }
}

/** `raw/mitdb/100.hea` → `100`: the WFDB and EDF convention that the file stem is the record name. */
function stemOf(source: IngestSource): string {
  const key = source.format === 'wfdb' ? source.header : source.file;
  return (key.split('/').pop() ?? key).replace(/\.(hea|edf)$/i, '');
}
