/**
 * Which failures the ingest processor, run as the worker host runs it (job-runner.ts), makes
 * final and which it leaves to BullMQ's retries.
 * The BullMQ Job is faked (an external boundary: only `data` and `updateProgress` are used);
 * the ObjectStore is real: against s3rver, and against a port nothing listens on to stand for an
 * S3 outage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UnrecoverableError, type Job } from 'bullmq';
import { QUEUES } from '@holterflow/contracts';
import { StorageError, storageEnvOf } from '@holterflow/storage';
import { startS3rver } from '../../../test/support/s3rver.js';
import { workerConfigFromEnv } from '../src/config.js';
import { IngestProcessor } from '../src/ingest/ingest.processor.js';
import { runJob } from '../src/job-runner.js';
import { ObjectStores } from '../src/stores.js';

const config = workerConfigFromEnv({
  HOLTERFLOW_S3_ENDPOINT: 'http://127.0.0.1:9',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
});
config.storage.retry = { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 };

function fakeJob(data: unknown): Job {
  return { data, updateProgress: async () => {} } as unknown as Job;
}

/** The ingest processor behind the job runner, as the worker host calls it. */
function ingest(stores: ObjectStores, job: Job) {
  const processor = new IngestProcessor(stores);
  return runJob(QUEUES.ingest, job, undefined, (p, j) => processor.process(p, j));
}

const payload = {
  bucket: 'holterflow',
  recordId: '100',
  source: { format: 'wfdb', header: 'raw/100.hea', data: ['raw/100.dat'] },
  targetPrefix: 'recordings',
};

test('an invalid payload fails the job for good, naming the field', async () => {
  const stores = new ObjectStores(config);
  try {
    await assert.rejects(
      ingest(stores, fakeJob({ ...payload, recordId: '../x' })),
      (err: unknown) =>
        err instanceof UnrecoverableError && /^invalid ingest job: recordId: /.test(err.message),
    );
  } finally {
    stores.onApplicationShutdown();
  }
});

test('S3 not answering is thrown as is, so BullMQ retries the job with backoff', async () => {
  const stores = new ObjectStores(config);
  try {
    await assert.rejects(
      ingest(stores, fakeJob(payload)),
      (err: unknown) =>
        err instanceof StorageError &&
        !(err instanceof UnrecoverableError) &&
        /ECONNREFUSED/.test(err.message),
    );
  } finally {
    stores.onApplicationShutdown();
  }
});

test('a raw object that vanished after submission fails the job for good, naming the key', async () => {
  const s3 = await startS3rver();
  const stores = new ObjectStores(workerConfigFromEnv(storageEnvOf(s3.config)));
  try {
    await assert.rejects(
      ingest(stores, fakeJob({ ...payload, bucket: s3.bucket })),
      (err: unknown) =>
        err instanceof UnrecoverableError &&
        err.message === `record 100 (raw/100.hea): raw object s3://${s3.bucket}/raw/100.hea does not exist`,
    );
  } finally {
    stores.onApplicationShutdown();
    await s3.stop();
  }
});
