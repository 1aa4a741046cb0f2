/**
 * A batch with bad records: each is reported with its file and a problem a technician can act
 * on, and the good records of the same batch are still ingested.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { keys } from '@holterflow/contracts';
import { readRecordingMeta, writeEdf } from '@holterflow/formats';
import { ObjectStore } from '@holterflow/storage';
import { runIngestCommand } from '../apps/cli/src/commands/ingest.js';
import { ingestBatch } from '../apps/cli/src/ingest/batch.js';
import { startS3rver, type S3rverHandle } from './support/s3rver.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/mitdb/', import.meta.url));

let s3: S3rverHandle;
let store: ObjectStore;
let dir: string;

/** Fixture 100's header renamed to `id` (record line and data file name), optionally edited. */
function header(id: string, edit: (text: string) => string = (t) => t): string {
  const text = readFileSync(join(FIXTURES, '100.hea'), 'latin1')
    .replace(/^100 /, `${id} `)
    .replaceAll('100.dat', `${id}.dat`);
  return edit(text);
}

const dat100 = () => readFileSync(join(FIXTURES, '100.dat'));

before(async () => {
  s3 = await startS3rver();
  store = new ObjectStore(s3.config);
  dir = mkdtempSync(join(tmpdir(), 'holterflow-bad-batch-'));
  for (const id of ['100', '119'])
    for (const ext of ['hea', 'dat', 'atr'])
      copyFileSync(join(FIXTURES, `${id}.${ext}`), join(dir, `${id}.${ext}`));
  // A good EDF record: 10 s of lead MLII of record 100 at 360 Hz.
  const ten = new Float32Array(3600).map((_, i) => Math.sin(i / 20));
  writeFileSync(
    join(dir, 'edfgood.edf'),
    writeEdf([{ label: 'ECG MLII', fs: 360, samples: ten, physicalDimension: 'mV' }]),
  );

  writeFileSync(join(dir, 'nodat.hea'), header('nodat'));
  writeFileSync(join(dir, 'trunc.hea'), header('trunc'));
  writeFileSync(join(dir, 'trunc.dat'), dat100().subarray(0, 500_000));
  writeFileSync(
    join(dir, 'fmt999.hea'),
    header('fmt999', (t) => t.replaceAll(' 212 ', ' 999 ')),
  );
  writeFileSync(join(dir, 'fmt999.dat'), dat100());
  writeFileSync(
    join(dir, 'mismatch.hea'),
    header('mismatch', (t) => t.replace(/^(\S+ 2 360) 650000/, '$1 325000')),
  );
  writeFileSync(join(dir, 'mismatch.dat'), dat100());
  writeFileSync(join(dir, 'badedf.edf'), Buffer.from('0       this is not an EDF header'.padEnd(300, ' ')));
});

after(async () => {
  store?.destroy();
  await s3?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('bad records are reported with file and problem; the good ones are ingested', async () => {
  let output = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      output += chunk.toString();
      done();
    },
  });
  const outcome = await runIngestCommand({
    inputs: [dir],
    to: `s3://${s3.bucket}/batch`,
    concurrency: 2,
    storage: s3.config,
    out,
    progress: false,
  });
  assert.equal(outcome.exitCode, 1);
  assert.equal(outcome.ingested, 3);

  const byRecord = new Map(outcome.failures.map((f) => [f.recordId, f]));
  assert.deepEqual([...byRecord.keys()].sort(), ['badedf', 'fmt999', 'mismatch', 'nodat', 'trunc']);
  const expect = (id: string, file: string, problem: RegExp) => {
    const f = byRecord.get(id)!;
    assert.equal(f.file, join(dir, file), `${id}: file`);
    assert.match(f.problem, problem, `${id}: problem`);
  };
  expect('nodat', 'nodat.dat', /data file nodat\.dat is missing/);
  expect(
    'trunc',
    'trunc.dat',
    /truncated: header says 650000 samples per signal .* holds 166666 \(500000 bytes\)/,
  );
  expect('fmt999', 'fmt999.dat', /unsupported WFDB signal format 999/);
  expect('mismatch', 'mismatch.dat', /header\/data length mismatch: header says 325000 samples/);
  expect('badedf', 'badedf.edf', /EDF/);

  // The table names every failed record with its file and problem.
  assert.match(output, /ingested 3 of 8 records into s3:\/\/holterflow-test\/batch\//);
  assert.match(output, /5 failed:\nrecord +file +problem\n/);
  const lines = output.split('\n');
  for (const f of outcome.failures) {
    const line = lines.find((l) => l.startsWith(`${f.recordId} `));
    assert.ok(line, `${f.recordId}: a table row`);
    assert.ok(line.indexOf(f.file) > 0 && line.endsWith(`  ${f.problem}`), line);
  }

  for (const id of ['100', '119', 'edfgood']) {
    const key = keys.recording('batch', id);
    const meta = await readRecordingMeta(await store.asyncBuffer(key), key);
    assert.equal(meta.recordId, id);
  }
  assert.equal((await readRecordingMeta(await store.asyncBuffer('batch/edfgood.parquet'))).numSamples, 3600);
  assert.ok(await store.exists('batch/100.beats.parquet'));
  assert.equal(
    await store.exists('batch/edfgood.beats.parquet'),
    false,
    'EDF without annotations: no beats object',
  );
  for (const id of ['nodat', 'trunc', 'fmt999', 'mismatch', 'badedf'])
    assert.equal(await store.exists(keys.recording('batch', id)), false, `${id}: nothing written`);
});

test('a record id that would escape its prefix is refused; the rest of the batch is ingested', async () => {
  const { results, failures } = await ingestBatch(
    [
      { recordId: '../x', format: 'wfdb', path: join(dir, '100.hea') },
      { recordId: '119', format: 'wfdb', path: join(dir, '119.hea') },
    ],
    { target: store, prefix: 'ids', concurrency: 2 },
  );
  assert.deepEqual(
    results.map((r) => r.recordId),
    ['119'],
  );
  assert.equal(failures.length, 1);
  assert.equal(failures[0].recordId, '../x');
  assert.match(failures[0].problem, /invalid record id "\.\.\/x"/);
  assert.equal(await store.exists('x.parquet'), false);
  assert.equal(await store.exists('ids/119.parquet'), true);
});
