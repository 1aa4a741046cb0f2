import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { IngestJob, IngestResult } from '@holterflow/contracts';
import { ingestRecord, type IngestStage } from '@holterflow/formats';
import { ObjectStores } from '../stores.js';
import { downloadRawRecord } from './download.js';

/** Job progress (percent) after each step; conversion dominates, hence the jump after it. */
const PROGRESS: Record<'downloaded' | IngestStage, number> = {
  downloaded: 20,
  converted: 70,
  'beats-written': 80,
  'recording-written': 100,
};

/**
 * One raw record on S3 → canonical objects. Bad input (a missing raw object, a corrupt file)
 * raises RecordInputError, which the job runner turns into a final failure; S3 or Redis trouble
 * is thrown as is and retried with the contract's backoff.
 */
@Injectable()
export class IngestProcessor {
  constructor(@Inject(ObjectStores) private readonly stores: ObjectStores) {}

  async process(payload: IngestJob, job: Job): Promise<IngestResult> {
    const store = this.stores.forBucket(payload.bucket);
    const raw = await downloadRawRecord(store, payload);
    await job.updateProgress(PROGRESS.downloaded);
    return ingestRecord(raw, store, payload.targetPrefix, (stage) => job.updateProgress(PROGRESS[stage]));
  }
}
