/**
 * `holterflow train --data <beats> --protocol intra|inter [--epochs N] [--version v] [--wait]`
 *   --data s3://bucket/key: submits a job to the `train` queue (a train worker runs it; the
 *     model lands in s3://bucket/models/<version>/); --wait follows it with a bar per epoch.
 *   --data <local file>: trains in this process into <--out>/models/<version>/ (same artefacts).
 *   Submitting a version whose job failed (cancelled, say) replaces that job and clears its cancel
 *   request: the new job resumes from the version's checkpoint; a model version not written by a
 *   training job of that version is refused (libs/train-jobs submitTraining, which the coordinator's
 *   POST /training uses too).
 *   --via api: the same submission through the coordinator's POST /training (operator key).
 * `holterflow train cancel <version> [--timeout s] [--via queue|api]` stops that version's queued training job
 *   (../train/cancel-training.ts). A sub-command of `train`, so `train` takes no required options
 *   in commander's sense (commander checks a parent's required options for its sub-commands too):
 *   the action checks --data and --protocol itself.
 * `holterflow evaluate --model <v> --data <beats> --protocol intra|inter [--store <dir|s3://bucket>]`
 *   scores a model version on the protocol's test part: the seed-style per-class table, then one
 *   JSON line with accuracy and macro-F1.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { QUEUES, parseS3Url, readVariable, type TrainProgress } from '@holterflow/contracts';
import { initBackend, parseBackendPreference, type BackendPreference } from '@holterflow/model';
import { ObjectStore, storageConfigFromEnv } from '@holterflow/storage';
import {
  directoryTrainingStore,
  evaluateModel,
  parseProtocol,
  runTraining,
  type TrainingStore,
} from '@holterflow/training';
import { connectTrainJobs, followTraining, submitTraining } from '@holterflow/train-jobs';
import { cancelTrainingCommand } from '../train/cancel-training.js';
import { CoordinatorClient, coordinatorUrl } from '../runs/coordinator-client.js';

interface TrainOptions {
  /** Required: checked in the action (see the header). */
  data?: string;
  protocol?: string;
  epochs?: string;
  version?: string;
  seed?: string;
  out: string;
  backend: string;
  threads: string;
  wait?: boolean;
  via?: string;
  coordinator?: string;
}

function epochBar(): { update(r: TrainProgress): void; stop(): void } {
  const bar = new SingleBar(
    {
      format:
        'train [{bar}] epoch {value}/{total} | loss {loss} acc {acc} | val {valLoss} {valAcc} | lr {lr} | eta {eta}s',
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(r) {
      const fields = {
        loss: r.loss.toFixed(4),
        acc: r.acc.toFixed(4),
        valLoss: r.valLoss.toFixed(4),
        valAcc: r.valAcc.toFixed(4),
        lr: r.lr.toExponential(1),
        eta: r.eta.toFixed(0),
      };
      if (!started) bar.start(r.epochs, r.epoch, fields);
      else bar.update(r.epoch, fields);
      started = true;
    },
    stop: () => bar.stop(),
  };
}

function storeFor(location: string): TrainingStore {
  if (!location.startsWith('s3://')) return directoryTrainingStore(location);
  return new ObjectStore({ ...storageConfigFromEnv(process.env), bucket: parseS3Url(location).bucket });
}

type CheckedTrainOptions = TrainOptions & { data: string; protocol: string };

async function submitQueued(opts: CheckedTrainOptions, version: string): Promise<void> {
  const { bucket, prefix: dataKey } = parseS3Url(opts.data);
  const connection = connectTrainJobs(process.env);
  try {
    const submitted = await submitTraining(connection.context, {
      bucket,
      dataKey,
      protocol: parseProtocol(opts.protocol),
      version,
      config: {
        ...(opts.epochs ? { epochs: Number(opts.epochs) } : {}),
        ...(opts.seed ? { seed: Number(opts.seed) } : {}),
      },
    });
    if (submitted.outcome === 'model-exists')
      throw new Error(
        `model version ${version} exists (${submitted.model}) and was not written by a training job of that ` +
          `version: choose another --version`,
      );
    if (submitted.outcome === 'submitted')
      console.log(
        `submitted training job ${submitted.jobId} (model version ${version}) to queue ${QUEUES.train}`,
      );
    else
      console.log(
        `training job ${submitted.jobId} (model version ${version}) is already ${submitted.state} in queue ` +
          `${QUEUES.train}: left as it is (a failed one would have been replaced)`,
      );
    if (!opts.wait) return;
    const bar = epochBar();
    try {
      console.log(
        JSON.stringify(await followTraining(connection.context, submitted.jobId, (r) => bar.update(r))),
      );
    } finally {
      bar.stop();
    }
  } finally {
    await connection.close();
  }
}

/** POST /training with HOLTERFLOW_API_KEY (an operator key); --wait polls GET /training/:version. */
async function submitViaApi(opts: CheckedTrainOptions, version: string, base: string): Promise<void> {
  const { bucket, prefix: dataKey } = parseS3Url(opts.data);
  const client = new CoordinatorClient(base);
  const submitted = await client.call<{ jobId: string }>('POST', '/training', {
    bucket,
    dataKey,
    protocol: parseProtocol(opts.protocol),
    version,
    ...(opts.epochs ? { epochs: Number(opts.epochs) } : {}),
    ...(opts.seed ? { seed: Number(opts.seed) } : {}),
  });
  console.log(
    `submitted training job ${submitted.jobId} (model version ${version}) to queue ${QUEUES.train}`,
  );
  if (!opts.wait) return;
  const bar = epochBar();
  try {
    for (let shown = 0; ; await new Promise((resolve) => setTimeout(resolve, 1000))) {
      const status = await client.call<{
        state: string;
        latest?: TrainProgress;
        result?: unknown;
        failedReason?: string;
      }>('GET', `/training/${encodeURIComponent(version)}`);
      if (status.latest && status.latest.epoch !== shown) bar.update(status.latest);
      shown = status.latest?.epoch ?? shown;
      if (status.state === 'completed') {
        bar.stop();
        return console.log(JSON.stringify(status.result));
      }
      if (status.state === 'failed')
        throw new Error(`training job ${submitted.jobId} failed: ${status.failedReason}`);
    }
  } finally {
    bar.stop();
  }
}

/** --via: the queue itself (Redis and S3 configured here, the default) or the coordinator API. */
function coordinatorOf(flags: { via?: string; coordinator?: string }): string | undefined {
  const via = flags.via ?? 'queue';
  if (via === 'queue') return undefined;
  if (via === 'api') return coordinatorUrl(flags.coordinator, process.env);
  throw new Error(`--via must be queue or api, got ${via}`);
}

async function trainLocally(opts: CheckedTrainOptions, version: string): Promise<void> {
  await initBackend({ prefer: backendOf(opts.backend) });
  const bar = epochBar();
  try {
    const outcome = await runTraining({
      dataset: { bytes: new Uint8Array(await readFile(opts.data)), name: basename(opts.data) },
      protocol: parseProtocol(opts.protocol),
      config: {
        ...(opts.epochs ? { epochs: Number(opts.epochs) } : {}),
        ...(opts.seed ? { seed: Number(opts.seed) } : {}),
      },
      store: directoryTrainingStore(opts.out),
      version,
      threads: Number(opts.threads),
      onProgress: (r) => bar.update(r),
    });
    bar.stop();
    console.log(outcome.table);
    console.log(
      JSON.stringify({
        version,
        accuracy: outcome.test.accuracy,
        macroF1: outcome.test.macroF1,
        epochs: outcome.history.length,
        out: `${opts.out}/models/${version}/`,
      }),
    );
  } finally {
    bar.stop();
  }
}

export function register(program: Command): void {
  const train = program
    .command('train')
    .description(
      'train the seed CNN on a beat dataset (a local file, or s3://bucket/key through the train queue)',
    )
    .option('--data <beats>', 'beat dataset: a Parquet file or s3://bucket/key (required)')
    .option('--protocol <p>', 'intra (random split by beat, as the seed) or inter (DS1 -> DS2) (required)')
    .option('--epochs <n>', 'maximum epochs (default 40, early stopping may end sooner)')
    .option('--version <v>', 'model version to write (default <protocol>-<date>)')
    .option('--seed <n>', 'seed of every random step (default 42)')
    .option('--out <dir>', 'local training: where models/<version>/ is written', '.')
    .option('--backend <name>', 'local training: auto, wasm or cpu', 'auto')
    .option(
      '--threads <n>',
      'local training: threads computing gradients, one wasm instance each (default: all cores)',
      String(availableParallelism()),
    )
    .option('--wait', 'queued training: follow the job with a progress bar until it ends')
    .option(
      '--via <queue|api>',
      'queued training: straight on the queue (default) or through the coordinator (operator key in HOLTERFLOW_API_KEY)',
    )
    .option('--coordinator <url>', 'coordinator URL for --via api (default $HOLTERFLOW_COORDINATOR_URL)')
    .action(async (opts: TrainOptions, command: Command) => {
      if (opts.data === undefined) command.error("error: required option '--data <beats>' not specified");
      if (opts.protocol === undefined) command.error("error: required option '--protocol <p>' not specified");
      const checked = opts as CheckedTrainOptions;
      parseProtocol(checked.protocol);
      if (!(Number.isInteger(Number(opts.threads)) && Number(opts.threads) >= 1))
        throw new Error(`--threads must be a positive integer, got ${opts.threads}`);
      if (opts.epochs !== undefined && !(Number.isInteger(Number(opts.epochs)) && Number(opts.epochs) >= 1))
        throw new Error(`--epochs must be a positive integer, got ${opts.epochs}`);
      const version =
        opts.version ?? `${checked.protocol}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '')}`;
      const coordinator = coordinatorOf(opts);
      if (coordinator !== undefined && !checked.data.startsWith('s3://'))
        throw new Error(`--via api trains a dataset on S3: --data s3://<bucket>/<key>, got ${checked.data}`);
      if (coordinator !== undefined) await submitViaApi(checked, version, coordinator);
      else if (checked.data.startsWith('s3://')) await submitQueued(checked, version);
      else await trainLocally(checked, version);
    });

  train
    .command('cancel')
    .description(
      'cancel the queued training job of a model version: removed if it has not started, stopped at the next batch if running (its checkpoint stays; submit the version again to resume)',
    )
    .argument('<version>', 'the model version given to `train --version`')
    .option('--timeout <seconds>', 'how long to wait for a running job to stop', '60')
    .option('--via <queue|api>', 'straight on the queue (default) or through the coordinator (operator key)')
    .option('--coordinator <url>', 'coordinator URL for --via api (default $HOLTERFLOW_COORDINATOR_URL)')
    .action(async (version: string, opts: { timeout: string; via?: string; coordinator?: string }) => {
      const seconds = Number(opts.timeout);
      if (!(seconds > 0))
        throw new Error(`--timeout must be a positive number of seconds, got ${opts.timeout}`);
      const coordinator = coordinatorOf(opts);
      if (coordinator !== undefined && seconds > 120)
        throw new Error(
          `--timeout with --via api is at most 120 s (the coordinator's limit), got ${seconds}`,
        );
      process.exitCode = await cancelTrainingCommand(version, {
        timeoutMs: seconds * 1000,
        ...(coordinator !== undefined ? { coordinator } : {}),
      });
    });

  program
    .command('evaluate')
    .description(
      "score a model version on a protocol's test part: the per-class table beside the seed's figures, the confusion matrix, EC57 VEB/SVEB Se, +P and FPR (with published DS1 → DS2 results for --protocol inter)",
    )
    .requiredOption('--model <version>', 'model version (models/<version>/)')
    .requiredOption('--data <beats>', 'beat dataset Parquet file')
    .requiredOption('--protocol <p>', 'intra or inter')
    .option('--store <dir|s3://bucket>', 'where models/ lives', '.')
    .option('--backend <name>', 'auto, wasm or cpu', 'auto')
    .action(
      async (opts: { model: string; data: string; protocol: string; store: string; backend: string }) => {
        const protocol = parseProtocol(opts.protocol);
        await initBackend({ prefer: backendOf(opts.backend), log: () => {} });
        const { metrics, table, ec57, architecture } = await evaluateModel({
          store: storeFor(opts.store),
          version: opts.model,
          dataset: { bytes: new Uint8Array(await readFile(opts.data)), name: basename(opts.data) },
          protocol,
        });
        console.log(table);
        console.log(
          JSON.stringify({
            model: opts.model,
            architecture,
            protocol,
            accuracy: metrics.accuracy,
            macroF1: metrics.macroF1,
            beats: metrics.total,
            vebSe: ec57.veb.se,
            vebPpv: ec57.veb.ppv,
            vebFpr: ec57.veb.fpr,
            svebSe: ec57.sveb.se,
            svebPpv: ec57.sveb.ppv,
            svebFpr: ec57.sveb.fpr,
          }),
        );
      },
    );
}

/** --backend, where `auto` (its default) defers to HOLTERFLOW_TF_BACKEND as a worker would. */
function backendOf(flag: string): BackendPreference {
  const chosen = parseBackendPreference(flag);
  return chosen === 'auto' ? readVariable(process.env, 'HOLTERFLOW_TF_BACKEND') : chosen;
}
