/**
 * A 24-hour two-lead recording (real MIT-BIH signal: the fixture records concatenated until
 * 24 h are filled) stored on a real S3 server: reading one 10-minute window through
 * ObjectStore.asyncBuffer moves only the footer and the row groups the window overlaps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  readRecordingMeta,
  readRecordingSamples,
  readWfdbRecord,
  writeRecordingParquet,
  type EcgRecording,
} from '@holterflow/formats';
import { TransferCounter } from '@holterflow/storage';
import { s3rverForTestFile } from './support/s3rver.js';
import { FIXTURE_MITDB_DIR as FIXTURES } from './support/mitdb.js';

const FS = 360;

const server = s3rverForTestFile();

function holter24h(): EcgRecording {
  const total = 24 * 3600 * FS;
  const leads = [new Float32Array(total), new Float32Array(total)];
  const records = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.hea'))
    .sort()
    .map((f) => readWfdbRecord(join(FIXTURES, f)));
  for (let filled = 0, k = 0; filled < total; k++) {
    const rec = records[k % records.length];
    const n = Math.min(rec.signals[0].length, total - filled);
    leads[0].set(rec.signals[0].subarray(0, n), filled);
    leads[1].set(rec.signals[1].subarray(0, n), filled);
    filled += n;
  }
  return { recordId: 'holter24h', fs: FS, leads: ['MLII', 'V'], signals: leads, source: 'wfdb:212' };
}

test('a 10-minute window of a 24 h recording on S3 moves well under a tenth of its bytes', async () => {
  const rec = holter24h();
  const key = 'range/holter24h.parquet';
  const bytes = writeRecordingParquet(rec);
  await server.store.upload(key, bytes);

  const counter = new TransferCounter();
  const file = await server.store.asyncBuffer(key, counter);
  assert.equal(file.byteLength, bytes.byteLength);
  const meta = await readRecordingMeta(file, key);
  assert.equal(meta.numSamples, 24 * 3600 * FS);
  // Noon plus an offset that aligns with no row group boundary.
  const start = 12 * 3600 * FS + 12_345;
  const end = start + 10 * 60 * FS;
  const window = await readRecordingSamples(file, start, end, undefined, meta, key);

  for (let lead = 0; lead < 2; lead++) {
    const expected = rec.signals[lead].subarray(start, end);
    const mismatch = window[lead].findIndex((v, i) => !Object.is(v, expected[i]));
    assert.equal(mismatch, -1, `lead ${rec.leads[lead]}: sample ${start + mismatch}`);
  }
  const share = counter.bytes / file.byteLength;
  console.log(
    `10-minute window of a 24 h two-lead recording: moved ${counter.bytes} of ${file.byteLength} bytes ` +
      `(${(share * 100).toFixed(2)}%) in ${counter.requests} requests`,
  );
  assert.ok(share < 0.1, `moved ${(share * 100).toFixed(2)}% of the object`);
});
