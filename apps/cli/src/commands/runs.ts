/**
 * Classification runs: `holterflow run s3://bucket/prefix [--wait]`, `run cancel|retry-failed
 * <runId>`, `runs`, `status <runId>` through the coordinator's /runs API
 * (HOLTERFLOW_COORDINATOR_URL, default http://127.0.0.1:3000); `results <runId>` straight from
 * S3, no coordinator needed, in the format asked for (`--format csv|parquet|json`). The AWS SDK and the progress bars are imported only by the commands
 * that use them, so `status` and `runs` start quickly.
 */
import type { Command } from 'commander';
import { parseS3Url, RUN_STATES, WINDOW_SECONDS } from '@holterflow/contracts/plain';
import { CoordinatorClient, coordinatorUrl } from '../runs/coordinator-client.js';
import { formatRecords, formatRunList, formatStatus } from '../runs/format.js';
import { waitForRun } from '../runs/wait.js';

interface RunFlags {
  model?: string;
  wait?: boolean;
  windowSeconds?: string;
  recursive: boolean;
  coordinator?: string;
}

const COORDINATOR_OPTION = [
  '--coordinator <url>',
  'coordinator URL (default $HOLTERFLOW_COORDINATOR_URL or http://127.0.0.1:3000)',
] as const;

/** --window-seconds in the flag's own terms, with the limits `--help` states. */
export function parseWindowSeconds(value: string): number {
  const s = Number(value);
  const { min, max, multipleOf } = WINDOW_SECONDS;
  if (!Number.isInteger(s) || s < min || s > max || s % multipleOf !== 0)
    throw new Error(
      `--window-seconds ${value}: use a whole number of seconds from ${min} to ${max}, a multiple of ${multipleOf}`,
    );
  return s;
}

export function register(program: Command): void {
  const run = program
    .command('run')
    .description('classify every beat of the recordings under an S3 prefix (through the coordinator)')
    .argument('<s3url>', 's3://bucket/prefix holding <recordId>.parquet recordings')
    .option('--model <version>', "model version (default: the bucket's models/DEFAULT)")
    .option(
      '--window-seconds <s>',
      `seconds of signal per classify job: ${WINDOW_SECONDS.min}-${WINDOW_SECONDS.max}, a multiple of ` +
        `${WINDOW_SECONDS.multipleOf} (default ${WINDOW_SECONDS.default})`,
    )
    .option(
      '--no-recursive',
      'only the recordings directly under the prefix (by default those of every sub-prefix too)',
    )
    .option('--wait', 'wait for the run to end, with progress bars, and print each record')
    .option(...COORDINATOR_OPTION)
    .action(async (s3url: string, flags: RunFlags) => {
      const windowSeconds =
        flags.windowSeconds === undefined ? undefined : parseWindowSeconds(flags.windowSeconds);
      const { bucket, prefix } = parseS3Url(s3url);
      const client = new CoordinatorClient(coordinatorUrl(flags.coordinator, process.env));
      const submitted = await client.submit({
        bucket,
        prefix,
        ...(flags.recursive ? {} : { recursive: false }),
        ...(flags.model ? { model: flags.model } : {}),
        ...(windowSeconds !== undefined ? { options: { windowSeconds } } : {}),
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
      const { progressReporter } = await import('../runs/progress.js');
      const reporter = progressReporter();
      const final = await waitForRun(client, submitted.runId, (p) => reporter.update(p)).finally(() =>
        reporter.stop(),
      );
      console.log(`\n${formatStatus(final)}\n`);
      console.log(formatRecords(final.bucket, await client.records(submitted.runId)));
      if (final.state !== 'completed' || final.records.failed > 0) process.exitCode = 1;
    });

  run
    .command('cancel')
    .description(
      "remove a run's queued jobs; running windows finish, nothing else starts (resubmit to resume)",
    )
    .argument('<runId>')
    .option(...COORDINATOR_OPTION)
    .action(async (runId: string, _flags: unknown, command: Command) => {
      const client = new CoordinatorClient(
        coordinatorUrl(command.optsWithGlobals<RunFlags>().coordinator, process.env),
      );
      const answer = await client.cancel(runId);
      console.log(
        `run ${answer.runId} cancelled at ${answer.cancelledAt}` +
          (answer.busyRecords ? `; ${answer.busyRecords} records finish the window they are in` : ''),
      );
    });

  run
    .command('retry-failed')
    .description("queue a run's failed records again (parts already in S3 are reused)")
    .argument('<runId>')
    .option(...COORDINATOR_OPTION)
    .action(async (runId: string, _flags: unknown, command: Command) => {
      const client = new CoordinatorClient(
        coordinatorUrl(command.optsWithGlobals<RunFlags>().coordinator, process.env),
      );
      const answer = await client.retryFailed(runId);
      console.log(
        answer.retried.length
          ? `run ${answer.runId}: ${answer.retried.length} records queued again (${answer.retried.join(', ')})`
          : `run ${answer.runId}: no failed records to retry`,
      );
      if (answer.notRetried.length) console.log(`not retried: ${answer.notRetried.join(', ')}`);
    });

  program
    .command('runs')
    .description('the runs the coordinator knows, newest first, with their state')
    .option('--state <state>', `only runs in this state (${RUN_STATES.join(', ')})`)
    .option('--limit <n>', 'at most this many runs', '20')
    .option('--json', 'print the statuses as JSON')
    .option(...COORDINATOR_OPTION)
    .action(async (flags: { state?: string; limit: string; json?: boolean; coordinator?: string }) => {
      if (flags.state !== undefined && !(RUN_STATES as readonly string[]).includes(flags.state))
        throw new Error(`--state ${flags.state}: use one of ${RUN_STATES.join(', ')}`);
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new Error(`--limit ${flags.limit}: use a whole number >= 1`);
      const client = new CoordinatorClient(coordinatorUrl(flags.coordinator, process.env));
      const statuses = [];
      let indexing = false;
      // The index has no state; each run's status says it. Pages of 100 until `limit` match.
      for (let offset = 0; statuses.length < limit; offset += 100) {
        const page = await client.list(offset, 100);
        indexing ||= page.indexing;
        const pageStatuses = await Promise.all(page.runs.map((r) => client.status(r.runId)));
        statuses.push(...pageStatuses.filter((s) => flags.state === undefined || s.state === flags.state));
        if (offset + page.runs.length >= page.total || page.runs.length === 0) break;
      }
      const shown = statuses.slice(0, limit);
      if (flags.json) console.log(JSON.stringify(shown, null, 2));
      else console.log(shown.length ? formatRunList(shown) : 'no runs');
      if (indexing)
        console.error('note: the coordinator is rebuilding its run index from S3; some runs may be missing');
    });

  program
    .command('status')
    .description('progress of a run: records, beats, throughput, ETA, outputs')
    .argument('<runId>')
    .option('--records', 'also list every record with its class counts or error')
    .option('--json', "print the coordinator's JSON")
    .option(...COORDINATOR_OPTION)
    .action(async (runId: string, flags: { records?: boolean; json?: boolean; coordinator?: string }) => {
      const client = new CoordinatorClient(coordinatorUrl(flags.coordinator, process.env));
      const status = await client.status(runId);
      if (flags.json) console.log(JSON.stringify(status, null, 2));
      else console.log(formatStatus(status));
      if (flags.records) console.log(`\n${formatRecords(status.bucket, await client.records(runId))}`);
    });

  program
    .command('results')
    .description("download a run's summary.csv/.parquet, manifest and per-record files straight from S3")
    .argument('<runId>')
    .requiredOption('--out <dir>', 'directory to write into (created if missing)')
    .option('--bucket <name>', 'bucket the run is in (default $HOLTERFLOW_S3_BUCKET)')
    .option(
      '--format <format>',
      'tables as csv | parquet | json (default: as stored: CSV and Parquet summaries, beats.parquet)',
    )
    .action(async (runId: string, flags: { out: string; bucket?: string; format?: string }) => {
      const { downloadRunResultsCommand, RESULTS_FORMATS } = await import('../runs/download.js');
      const format = flags.format as (typeof RESULTS_FORMATS)[number] | undefined;
      if (format !== undefined && !RESULTS_FORMATS.includes(format))
        throw new Error(`--format ${flags.format}: use one of ${RESULTS_FORMATS.join(', ')}`);
      await downloadRunResultsCommand(runId, flags.out, flags.bucket, format);
    });
}
