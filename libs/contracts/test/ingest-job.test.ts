import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IngestJobSchema, InvalidJobError, JOB_CONTRACTS, ingestJobId, parseJobData } from '../src/index.js';

const valid = {
  bucket: 'holterflow',
  recordId: '100',
  source: { format: 'wfdb', header: 'raw/100.hea', data: ['raw/100.dat'], annotations: 'raw/100.atr' },
  targetPrefix: 'recordings/mitdb/',
};

test('a valid ingest job parses, with the target prefix normalised', () => {
  const job = parseJobData('ingest', IngestJobSchema, valid);
  assert.equal(job.targetPrefix, 'recordings/mitdb');
  assert.equal(job.source.format, 'wfdb');
  // Keys are relative to the bucket: a leading '/' is refused, not quietly dropped (issue 11).
  assert.throws(
    () => parseJobData('ingest', IngestJobSchema, { ...valid, targetPrefix: '/recordings/mitdb/' }),
    /targetPrefix: the target prefix may not start with "\/"/,
  );
});

test('the ingest job id is deterministic, in the three fields BullMQ allows in custom ids', () => {
  const job = parseJobData('ingest', IngestJobSchema, valid);
  const id = ingestJobId(job);
  assert.equal(id, 'ingest:holterflow/recordings/mitdb:100');
  assert.equal(JOB_CONTRACTS.ingest.jobId(job), id);
  // BullMQ refuses custom ids with ':' unless they have exactly three fields (test/ingest-queue
  // adds jobs with these ids to a real queue).
  assert.equal(id.split(':').length, 3);
});

test('every problem is named by field path', () => {
  assert.throws(
    () =>
      parseJobData('ingest', IngestJobSchema, {
        ...valid,
        bucket: 'Not_A_Bucket',
        recordId: '../x',
        source: { format: 'wfdb', header: '/abs.hea', data: [] },
        targetPrefix: 'a:b',
      }),
    (err: unknown) => {
      assert.ok(err instanceof InvalidJobError);
      assert.deepEqual(
        err.issues.map((i) => i.split(':')[0]),
        ['bucket', 'recordId', 'source.header', 'source.data', 'targetPrefix'],
      );
      return true;
    },
  );
  assert.throws(
    () => parseJobData('ingest', IngestJobSchema, { ...valid, source: { format: 'mp3', file: 'x' } }),
    /source\.format/,
  );
  assert.throws(
    () => parseJobData('ingest', IngestJobSchema, { ...valid, targetPrefix: 'a/../b' }),
    /targetPrefix/,
  );
});
