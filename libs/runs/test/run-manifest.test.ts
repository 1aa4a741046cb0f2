/** The run manifest's owner against a real S3 (s3rver): each state change and what it keeps. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_REPORT_OPTIONS, keys, type RunManifest } from '@holterflow/contracts';
import { ObjectNotFound } from '@holterflow/storage';
import { RunManifests, encodeRunManifest } from '@holterflow/runs';
import { s3rverForTestFile } from '../../../test/support/s3rver.js';

const ctx = s3rverForTestFile();

const manifest: RunManifest = {
  runId: 'run-owner',
  bucket: 'holterflow',
  createdAt: '2026-01-01T00:00:00.000Z',
  model: { version: 'seed' },
  options: { windowSeconds: 1800, marginSeconds: 30, report: DEFAULT_REPORT_OPTIONS },
  records: [],
  rejected: [{ recordId: 'bad', recordingKey: 'recordings/bad.parquet', error: 'no leads' }],
};

test('create, cancel (first time kept), uncancel, complete (first time kept), reopen', async () => {
  const manifests = new RunManifests(ctx.store);
  assert.equal(await manifests.exists('run-owner'), false);
  await assert.rejects(manifests.read('run-owner'), ObjectNotFound);
  await manifests.create(manifest);
  assert.equal(await ctx.store.getText(keys.runManifest('run-owner')), encodeRunManifest(manifest));
  assert.deepEqual(await manifests.read('run-owner'), manifest);
  assert.equal(await manifests.cancelledAt('run-owner'), undefined);

  const cancelled = await manifests.markCancelled(manifest, new Date('2026-01-02T00:00:00.000Z'));
  const again = await manifests.markCancelled(cancelled, new Date('2026-01-03T00:00:00.000Z'));
  assert.equal(again.cancelledAt, '2026-01-02T00:00:00.000Z');
  assert.equal(await manifests.cancelledAt('run-owner'), '2026-01-02T00:00:00.000Z');

  const resumed = await manifests.uncancel(again);
  assert.deepEqual(await manifests.read('run-owner'), manifest);
  assert.equal('cancelledAt' in resumed, false);

  const complete = await manifests.markComplete(resumed, new Date('2026-01-04T00:00:00.000Z'));
  await manifests.markComplete(complete, new Date('2026-01-05T00:00:00.000Z'));
  assert.equal((await manifests.read('run-owner')).completedAt, '2026-01-04T00:00:00.000Z');

  await manifests.reopen(complete);
  assert.deepEqual(await manifests.read('run-owner'), manifest);
});
