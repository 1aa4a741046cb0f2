/**
 * `holterflow run s3://bucket/prefix [--model v] [--wait]`, `holterflow status <runId>` and
 * `holterflow results <runId> --out <dir> [--format csv|parquet|json]`: classification runs through the coordinator's /runs
 * API (HOLTERFLOW_COORDINATOR_URL, default http://127.0.0.1:3000); results straight from S3.
 */
import type { Command } from 'commander';
import { MultiBar, Presets } from 'cli-progress';
import { parseS3Url } from '@holterflow/contracts';
import { ObjectStore, storageConfigFromEnv } from '@holterflow/storage';
import type { RunStatus } from '@holterflow/contracts';
import { CoordinatorClient, coordinatorUrl } from '../runs/coordinator-client.js';
import { downloadRunResults, RESULTS_FORMATS, type ResultsFormat } from '../runs/download.js';
import { formatRecords, formatStatus } from '../runs/format.js';
import { waitForRun } from '../runs/wait.js';
import { formatMegabytes } from '../ingest/report.js';

interface RunFlags {
  model?: string;
  wait?: boolean;
  windowSeconds?: string;
  coordinator?: string;
}

/** Progress bars on a terminal (records, and beats against the estimate so far); lines in logs. */
function progressReporter(): { update(p: RunStatus): void; stop(): void } {
  if (!process.stderr.isTTY) {
    let last = 0;
    return {
      update: (p) => {
        if (Date.now() - last < 10_000 && p.state === 'running') return;
        last = Date.now();
        console.error(
          `${p.state}: ${p.records.done + p.records.failed}/${p.records.total} records, ${p.beats} beats, ` +
            `windows ${p.windows.done}/${p.windows.total}`,
        );
      },
      stop: () => {},
    };
  }
  const bars = new MultiBar(
    {
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      format: '{what} [{bar}] {value}/{total} {unit} {extra}',
    },
    Presets.shades_classic,
  );
  const records = bars.create(1, 0, { what: 'records', unit: 'finished', extra: '' });
  const beats = bars.create(1, 0, { what: 'beats  ', unit: '(estimated total)', extra: '' });
  return {
    update: (p) => {
      records.setTotal(Math.max(1, p.records.total));
      records.update(p.records.done + p.records.failed, {
        extra: p.records.failed ? `(${p.records.failed} failed)` : '',
      });
      // Beats per window so far × all windows: the total is known only at the end.
      const estimate =
        p.windows.done > 0 ? Math.round((p.beats / p.windows.done) * p.windows.total) : Math.max(1, p.beats);
      beats.setTotal(Math.max(estimate, p.beats, 1));
      beats.update(p.beats, {
        extra: p.throughput
          ? `${p.throughput.beatsPerSecond.toFixed(0)} beats/s, ETA ${p.etaSeconds === null ? '-' : `${Math.round(p.etaSeconds)} s`}`
          : '',
      });
    },
    stop: () => bars.stop(),
  };
}

export function register(program: Command): void {
  program
    .command('run')
    .description('classify every beat of the recordings under an S3 prefix (through the coordinator)')
    .argument('<s3url>', 's3://bucket/prefix holding <recordId>.parquet recordings')
    .option('--model <version>', "model version (default: the bucket's models/DEFAULT)")
    .option('--window-seconds <s>', 'seconds of signal per classify job (multiple of 10)')
    .option('--wait', 'wait for the run to end, with progress bars, and print each record')
    .option(
      '--coordinator <url>',
      'coordinator URL (default $HOLTERFLOW_COORDINATOR_URL or http://127.0.0.1:3000)',
    )
    .action(async (s3url: string, flags: RunFlags) => {
      const { bucket, prefix } = parseS3Url(s3url);
      const client = new CoordinatorClient(coordinatorUrl(flags.coordinator, process.env));
      const submitted = await client.submit({
        bucket,
        prefix,
        ...(flags.model ? { model: flags.model } : {}),
        ...(flags.windowSeconds ? { options: { windowSeconds: Number(flags.windowSeconds) } } : {}),
      });
      console.log(
        `run ${submitted.runId} ${submitted.outcome}: ${submitted.records} recordings with model ${submitted.model}` +
          (submitted.rejected.length ? `, ${submitted.rejected.length} rejected:` : ''),
      );
      for (const r of submitted.rejected) console.log(`  ${r.recordingKey}: ${r.error}`);
      if (!flags.wait) {
        console.log(`follow it with: holterflow status ${submitted.runId}`);
        return;
      }
      const reporter = progressReporter();
      const final = await waitForRun(client, submitted.runId, (p) => reporter.update(p)).finally(() =>
        reporter.stop(),
      );
      console.log(`\n${formatStatus(final)}\n`);
      console.log(formatRecords(final.bucket, await client.records(submitted.runId)));
      if (final.state !== 'completed' || final.records.failed > 0) process.exitCode = 1;
    });

  program
    .command('status')
    .description('progress of a run: records, beats, throughput, ETA, outputs')
    .argument('<runId>')
    .option('--records', 'also list every record with its class counts or error')
    .option('--json', "print the coordinator's JSON")
    .option('--coordinator <url>', 'coordinator URL')
    .action(async (runId: string, flags: { records?: boolean; json?: boolean; coordinator?: string }) => {
      const client = new CoordinatorClient(coordinatorUrl(flags.coordinator, process.env));
      const status = await client.status(runId);
      if (flags.json) console.log(JSON.stringify(status, null, 2));
      else console.log(formatStatus(status));
      if (flags.records) console.log(`\n${formatRecords(status.bucket, await client.records(runId))}`);
    });

  program
    .command('results')
    .description("download a run's summary.csv/.parquet and per-record files from S3")
    .argument('<runId>')
    .requiredOption('--out <dir>', 'directory to write into (created if missing)')
    .option(
      '--format <format>',
      `tables as ${RESULTS_FORMATS.join(' | ')} (default: as stored: CSV and Parquet summaries, beats.parquet)`,
    )
    .option('--coordinator <url>', "coordinator URL (to find the run's bucket)")
    .action(async (runId: string, flags: { out: string; format?: string; coordinator?: string }) => {
      const format = flags.format as ResultsFormat | undefined;
      if (format !== undefined && !RESULTS_FORMATS.includes(format))
        throw new Error(`--format ${flags.format}: use one of ${RESULTS_FORMATS.join(', ')}`);
      const client = new CoordinatorClient(coordinatorUrl(flags.coordinator, process.env));
      const status = await client.status(runId);
      const store = new ObjectStore({ ...storageConfigFromEnv(process.env), bucket: status.bucket });
      try {
        const { files, bytes } = await downloadRunResults(store, runId, flags.out, format);
        console.log(
          `${files.length} files (${formatMegabytes(bytes)} MB) from s3://${status.bucket}/runs/${runId}/ into ${flags.out}`,
        );
        if (status.state !== 'completed')
          console.log(`note: the run is ${status.state}; its summary is not final`);
      } finally {
        store.destroy();
      }
    });
}
