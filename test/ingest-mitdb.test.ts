/**
 * Ingest of MIT-BIH through the CLI code path into a real S3 server (s3rver), then read back and
 * compared value by value with the WFDB files read directly: every sample (mV) and every
 * reference beat of several records, and for every record the sample count and first values
 * its .hea states. The five shipped fixtures always run; the full 48-record database runs when
 * /work/shared/data/mitdb (or HOLTERFLOW_MITDB_DIR) exists.
 */
import { FULL_MITDB_DIR } from './support/mitdb.js';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { keys } from '@holterflow/contracts';
import {
  readRecording,
  readRecordingMeta,
  readRecordingSamples,
  readReferenceBeats,
  readWfdbRecord,
} from '@holterflow/formats';
import { runIngestCommand } from '../apps/cli/src/commands/ingest.js';
import { s3rverForTestFile } from './support/s3rver.js';
import { FIXTURE_MITDB_DIR as FIXTURES } from './support/mitdb.js';
import { headerFacts } from './support/wfdb-header-facts.js';

const FULL_DB = FULL_MITDB_DIR;

const server = s3rverForTestFile();

function recordIds(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.hea'))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** Index of the first differing sample (NaN equals NaN), or -1. */
function firstMismatch(a: Float32Array, b: Float32Array): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

async function ingestAndVerify(dir: string, prefix: string, fullyCompared: string[]): Promise<void> {
  const ids = recordIds(dir);
  let output = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      output += chunk.toString();
      done();
    },
  });
  const outcome = await runIngestCommand({
    inputs: [dir],
    to: `s3://${server.s3.bucket}/${prefix}`,
    concurrency: 2,
    storage: server.s3.config,
    out,
    progress: false,
  });
  assert.deepEqual(outcome.failures, [], output);
  assert.equal(outcome.exitCode, 0);
  assert.equal(outcome.ingested, ids.length);
  assert.match(output, new RegExp(`ingested ${ids.length} of ${ids.length} records`));

  // Every record: sample count, lead names and first values as its header states them.
  for (const id of ids) {
    const facts = headerFacts(readFileSync(join(dir, `${id}.hea`), 'latin1'));
    const key = keys.recording(prefix, id);
    const file = await server.store.asyncBuffer(key);
    const meta = await readRecordingMeta(file, key);
    assert.equal(meta.recordId, id);
    assert.equal(meta.numSamples, facts.samplesPerSignal, `${id}: sample count`);
    assert.deepEqual(meta.leads, facts.leads, `${id}: leads`);
    assert.equal(meta.fs, 360);
    const first = await readRecordingSamples(file, 0, 1, undefined, meta, key);
    assert.deepEqual(
      first.map((s) => s[0]),
      facts.firstValuesMv.map(Math.fround),
      `${id}: first values`,
    );
    assert.ok(await server.store.exists(keys.referenceBeats(prefix, id)), `${id}: reference beats written`);
  }

  // Selected records: every sample and every reference beat.
  for (const id of fullyCompared) {
    const direct = readWfdbRecord(join(dir, `${id}.hea`));
    const recKey = keys.recording(prefix, id);
    const stored = await readRecording(await server.store.asyncBuffer(recKey), recKey);
    assert.deepEqual(stored.leads, direct.leads);
    assert.equal(stored.source, 'wfdb:212');
    for (let lead = 0; lead < direct.signals.length; lead++) {
      assert.equal(stored.signals[lead].length, direct.signals[lead].length);
      assert.equal(firstMismatch(stored.signals[lead], direct.signals[lead]), -1, `${id} lead ${lead}`);
    }
    const beatsKey = keys.referenceBeats(prefix, id);
    const beats = await readReferenceBeats(await server.store.asyncBuffer(beatsKey), beatsKey);
    assert.ok(direct.beats && direct.beats.length > 1000, `${id}: has reference beats`);
    assert.deepEqual(beats, direct.beats, `${id}: reference beats`);
  }
}

describe('ingest MIT-BIH into S3 and read it back', () => {
  test('the five fixture records', async () => {
    const ids = recordIds(FIXTURES);
    assert.deepEqual(ids, ['100', '105', '119', '208', '232']);
    await ingestAndVerify(FIXTURES, 'fixtures', ids);
  });

  test(
    'all 48 records of the full database',
    { skip: existsSync(FULL_DB) ? false : `${FULL_DB} is absent (set HOLTERFLOW_MITDB_DIR to run this)` },
    async () => {
      assert.equal(recordIds(FULL_DB).length, 48);
      // Clean, paced, noisy, bigeminy, fusion and supraventricular records.
      await ingestAndVerify(FULL_DB, 'mitdb', ['100', '107', '119', '203', '208', '232']);
    },
  );
});
