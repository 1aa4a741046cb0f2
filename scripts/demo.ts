/**
 * `npm run demo [-- --s3-port P --state-dir D --bucket B --queue-prefix Q]`: the built-in default
 * on a fresh machine. Starts the local stack (s3rver on 127.0.0.1:9000 + the Redis you run), or
 * uses the one `holterflow stack up` started (its stack.env; HOLTERFLOW_S3_ENDPOINT when there is
 * none), or the one the flags name — the same options as `stack up`. Ingests the bundled MIT-BIH fixture records with the
 * same code as `holterflow ingest`, prints what was written, then classifies every beat with the
 * shipped model through the pipeline (demo-classify.ts). The stack keeps running afterwards:
 * `npm run holterflow -- stack down`.
 */
import { fileURLToPath } from 'node:url';
import { keys } from '@holterflow/contracts';
import { readRecordingMeta, readReferenceBeats } from '@holterflow/formats';
import { ObjectStore } from '@holterflow/storage';
import { runIngestCommand } from '../apps/cli/src/commands/ingest.js';
import { parseArgs } from 'node:util';
import { s3Config, stackOptionsFrom, stackUp } from '../apps/cli/src/stack/local-stack.js';
import { formatTable } from '../apps/cli/src/ingest/report.js';
import { classifyDemo } from './demo-classify.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/mitdb/', import.meta.url));
const PREFIX = 'demo/recordings';

const { values: flags } = parseArgs({
  options: {
    's3-host': { type: 'string' },
    's3-port': { type: 'string' },
    bucket: { type: 'string' },
    'state-dir': { type: 'string' },
    'queue-prefix': { type: 'string' },
  },
});
const options = stackOptionsFrom({
  s3Host: flags['s3-host'],
  s3Port: flags['s3-port'],
  bucket: flags.bucket,
  stateDir: flags['state-dir'],
  queuePrefix: flags['queue-prefix'],
});
const stack = await stackUp(options);
console.log(
  `stack: s3rver ${stack.started ? 'started' : 'already running'} at ${stack.s3.endpoint} ` +
    `(bucket ${stack.s3.bucket}, data in ${stack.s3.dataDir}); redis at ${stack.redis.url}, ` +
    `queue prefix ${options.queuePrefix}`,
);

const storage = s3Config(options);
const outcome = await runIngestCommand({
  inputs: [FIXTURES],
  to: `s3://${options.bucket}/${PREFIX}`,
  concurrency: 2,
  storage,
  out: process.stdout,
  progress: process.stderr.isTTY === true,
});

// What was written, read back from S3 (footers and reference beats only).
const store = new ObjectStore(storage);
try {
  const rows: string[][] = [];
  for await (const object of store.list(`${PREFIX}/`)) {
    if (!object.key.endsWith('.parquet') || object.key.endsWith('.beats.parquet')) continue;
    const meta = await readRecordingMeta(await store.asyncBuffer(object.key), object.key);
    const beatsKey = keys.referenceBeats(PREFIX, meta.recordId);
    const beats = (await store.exists(beatsKey))
      ? (await readReferenceBeats(await store.asyncBuffer(beatsKey), beatsKey)).length
      : 0;
    rows.push([
      `s3://${store.bucket}/${object.key}`,
      meta.leads.join('+'),
      `${meta.fs} Hz`,
      `${(meta.numSamples / meta.fs / 60).toFixed(1)} min`,
      String(beats),
      `${(object.size / 1e6).toFixed(2)} MB`,
    ]);
  }
  console.log(`\n${formatTable(['recording', 'leads', 'rate', 'length', 'ref. beats', 'size'], rows)}`);
  console.log(
    `\nthe stack keeps running; stop it with: npx holterflow stack down${flags['state-dir'] ? ` --state-dir ${options.stateDir}` : ''}`,
  );
} finally {
  store.destroy();
}
process.exitCode = Math.max(outcome.exitCode, await classifyDemo(storage, options, PREFIX));
