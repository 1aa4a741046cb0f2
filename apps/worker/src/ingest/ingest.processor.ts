import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import {
  InvalidJobError,
  JOB_CONTRACTS,
  QUEUES,
  RecordInputError,
  parseJobData,
  type IngestResult,
} from '@holterflow/contracts';
import { ingestRecord, type IngestStage } from '@holterflow/formats';
import { ObjectStores } from '../stores.js';
import { downloadRawRecord } from './download.js';

const contract = JOB_CONTRACTS[QUEUES.ingest];

/** Job progress (percent) after each step; conversion dominates, hence the jump after it. */
const PROGRESS: Record<'downloaded' | IngestStage, number> = {
  downloaded: 20,
  converted: 70,
  'beats-written': 80,
  'recording-written': 100,
};

/**
 * One raw record on S3 → canonical objects. Bad input (an invalid payload, a missing raw object,
 * a corrupt file) fails the job at once with the problem as its reason: retrying cannot fix it,
 * hence UnrecoverableError. Any other error (S3 or Redis trouble) is thrown as is, so BullMQ
 * retries the job with the contract's exponential backoff.
 */
@Injectable()
export class IngestProcessor {
  constructor(@Inject(ObjectStores) private readonly stores: ObjectStores) {}

  async process(job: Job): Promise<IngestResult> {
    try {
      const payload = parseJobData(QUEUES.ingest, contract.payload, job.data);
      const store = this.stores.forBucket(payload.bucket);
      const raw = await downloadRawRecord(store, payload);
      await job.updateProgress(PROGRESS.downloaded);
      const result = await ingestRecord(raw, store, payload.targetPrefix, (stage) =>
        job.updateProgress(PROGRESS[stage]),
      );
      return contract.result.parse(result);
    } catch (err) {
      if (err instanceof RecordInputError || err instanceof InvalidJobError)
        throw new UnrecoverableError(err.message);
      throw err;
    }
  }
}
