/**
 * `holterflow ingest <dir|files...> --to s3://bucket/prefix [--concurrency N]`: convert WFDB and
 * EDF records into canonical Parquet recordings on S3, going on past bad records; a table of the
 * failures at the end, exit code 1 when any record failed.
 */
import { Option, type Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { parseS3Url } from '@holterflow/contracts';
import { ObjectStore, storageConfigFromEnv, type StorageConfig } from '@holterflow/storage';
import { discoverRecords } from '../ingest/discover.js';
import { ingestBatch, type RecordFailure } from '../ingest/batch.js';
import { formatMegabytes, formatTable } from '../ingest/report.js';

export interface IngestCommandOptions {
  inputs: string[];
  /** `s3://bucket/prefix` */
  to: string;
  concurrency: number;
  /** Storage endpoint and credentials; the bucket comes from `to`. */
  storage: StorageConfig;
  /** Where the summary and the failure table go. */
  out: NodeJS.WritableStream;
  /** Draw the progress bar (on stderr, only when it is a terminal). */
  progress: boolean;
}

export interface IngestCommandOutcome {
  exitCode: 0 | 1;
  ingested: number;
  failures: RecordFailure[];
  bytesWritten: number;
}

export async function runIngestCommand(options: IngestCommandOptions): Promise<IngestCommandOutcome> {
  const { bucket, prefix } = parseS3Url(options.to);
  const store = new ObjectStore({ ...options.storage, bucket });
  try {
    await assertBucketReachable(store);
    const { records, problems } = await discoverRecords(options.inputs);
    const discoveryFailures: RecordFailure[] = problems.map((p) => ({
      recordId: '-',
      file: p.path,
      problem: p.problem,
    }));
    if (records.length === 0 && discoveryFailures.length === 0)
      throw new Error(`no records (.hea or .edf files) in ${options.inputs.join(', ')}`);

    const bar = new SingleBar(
      {
        format:
          'ingest [{bar}] {value}/{total} records | {read} MB read, {written} MB written | {failed} failed',
        stream: process.stderr,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    let read = 0;
    let written = 0;
    let failed = 0;
    if (options.progress) bar.start(records.length, 0, { read: '0.0', written: '0.0', failed: 0 });
    const { results, failures } = await ingestBatch(records, {
      target: store,
      prefix,
      concurrency: options.concurrency,
      onRecordDone: (done) => {
        read += done.bytesRead;
        written += done.result?.bytes ?? 0;
        failed += done.failure ? 1 : 0;
        if (options.progress)
          bar.increment({ read: formatMegabytes(read), written: formatMegabytes(written), failed });
      },
    });
    if (options.progress) bar.stop();

    const allFailures = [...discoveryFailures, ...failures];
    const where = `s3://${bucket}/${prefix}${prefix ? '/' : ''}`;
    options.out.write(
      `ingested ${results.length} of ${records.length} records into ${where} ` +
        `(${formatMegabytes(written)} MB written from ${formatMegabytes(read)} MB read)\n`,
    );
    if (allFailures.length > 0) {
      options.out.write(`\n${allFailures.length} failed:\n`);
      options.out.write(
        formatTable(
          ['record', 'file', 'problem'],
          allFailures.map((f) => [f.recordId, f.file, f.problem]),
        ) + '\n',
      );
    }
    return {
      exitCode: allFailures.length > 0 ? 1 : 0,
      ingested: results.length,
      failures: allFailures,
      bytesWritten: written,
    };
  } finally {
    store.destroy();
  }
}

/** One cheap request before the batch, so a wrong endpoint or bucket fails once, clearly. */
async function assertBucketReachable(store: ObjectStore): Promise<void> {
  try {
    for await (const _ of store.list('', { pageSize: 1 })) break;
  } catch (err) {
    throw new Error(
      `cannot reach bucket ${store.bucket} (${err instanceof Error ? err.message : String(err)}); ` +
        'is the stack up (`holterflow stack up`) or HOLTERFLOW_S3_ENDPOINT set?',
    );
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--concurrency must be a positive integer, got ${value}`);
  return n;
}

export function register(program: Command): void {
  program
    .command('ingest')
    .description('convert WFDB (.hea/.dat/.atr) and EDF records into canonical Parquet recordings on S3')
    .argument('<paths...>', 'directories (searched recursively) and/or record files')
    .requiredOption('--to <s3url>', 'destination, s3://bucket/prefix')
    .addOption(new Option('--concurrency <n>', 'records converted at once').argParser(positiveInt).default(2))
    .action(async (paths: string[], opts: { to: string; concurrency: number }) => {
      const outcome = await runIngestCommand({
        inputs: paths,
        to: opts.to,
        concurrency: opts.concurrency,
        storage: storageConfigFromEnv(process.env),
        out: process.stdout,
        progress: process.stderr.isTTY === true,
      });
      process.exitCode = outcome.exitCode;
    });
}
