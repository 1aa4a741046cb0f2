/**
 * Ingest throughput through the CLI code path into a local s3rver:
 *   node --import tsx bench/ingest-throughput.ts [dataDir] [concurrency...]
 * dataDir defaults to /work/shared/data/mitdb (the fixtures when absent); concurrencies to 1 2.
 * Prints wall time, records/s and MB/s of raw input for each concurrency.
 */
import { FULL_MITDB_DIR } from '../test/support/mitdb.js';
import { existsSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runIngestCommand } from '../apps/cli/src/commands/ingest.js';
import { startS3rver } from '../test/support/s3rver.js';

const SHARED = FULL_MITDB_DIR;
const dir =
  process.argv[2] ??
  (existsSync(SHARED) ? SHARED : fileURLToPath(new URL('../test/fixtures/mitdb/', import.meta.url)));
const concurrencies = process.argv.slice(3).map(Number);
if (concurrencies.length === 0) concurrencies.push(1, 2);

const s3 = await startS3rver();
try {
  console.log(`source ${dir}`);
  console.log('concurrency  records  seconds  records/s  MB_read  MB_written  MB_read/s');
  for (const concurrency of concurrencies) {
    let summary = '';
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        summary += chunk.toString();
        done();
      },
    });
    const started = performance.now();
    const outcome = await runIngestCommand({
      inputs: [dir],
      to: `s3://${s3.bucket}/bench-c${concurrency}`,
      concurrency,
      storage: s3.config,
      out,
      progress: false,
    });
    const seconds = (performance.now() - started) / 1000;
    const read = Number(/from ([\d.]+) MB read/.exec(summary)?.[1] ?? NaN);
    const written = outcome.bytesWritten / 1e6;
    console.log(
      [
        String(concurrency).padStart(11),
        String(outcome.ingested).padStart(7),
        seconds.toFixed(1).padStart(7),
        (outcome.ingested / seconds).toFixed(2).padStart(9),
        read.toFixed(1).padStart(7),
        written.toFixed(1).padStart(10),
        (read / seconds).toFixed(2).padStart(9),
      ].join('  '),
    );
    if (outcome.exitCode !== 0) console.log(summary);
  }
} finally {
  await s3.stop();
}
