/**
 * `holterflow train --data <beats> --protocol intra|inter [--epochs N] [--version v] [--wait]`
 *   --data s3://bucket/key: submits a job to the `train` queue (a train worker runs it; the
 *     model lands in s3://bucket/models/<version>/); --wait follows it with a bar per epoch.
 *   --data <local file>: trains in this process into <--out>/models/<version>/ (same artefacts).
 * `holterflow evaluate --model <v> --data <beats> --protocol intra|inter [--store <dir|s3://bucket>]`
 *   scores a model version on the protocol's test part: the seed-style per-class table, then one
 *   JSON line with accuracy and macro-F1.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import {
  JOB_CONTRACTS,
  QUEUES,
  parseJobData,
  parseS3Url,
  queueEnvFromEnv,
  type TrainProgress,
  type TrainResult,
} from '@holterflow/contracts';
import { initBackend, parseBackendPreference } from '@holterflow/model';
import { ObjectStore, storageConfigFromEnv } from '@holterflow/storage';
import {
  directoryTrainingStore,
  evaluateModel,
  parseProtocol,
  runTraining,
  type TrainingStore,
} from '@holterflow/training';

interface TrainOptions {
  data: string;
  protocol: string;
  epochs?: string;
  version?: string;
  seed?: string;
  out: string;
  backend: string;
  threads: string;
  wait?: boolean;
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
  return new ObjectStore({ ...storageConfigFromEnv(), bucket: parseS3Url(location).bucket });
}

async function submitTraining(opts: TrainOptions, version: string): Promise<void> {
  const { bucket, prefix: dataKey } = parseS3Url(opts.data);
  const contract = JOB_CONTRACTS[QUEUES.train];
  const payload = parseJobData(QUEUES.train, contract.payload, {
    bucket,
    dataKey,
    protocol: parseProtocol(opts.protocol),
    version,
    config: {
      ...(opts.epochs ? { epochs: Number(opts.epochs) } : {}),
      ...(opts.seed ? { seed: Number(opts.seed) } : {}),
    },
  });
  const { redisUrl, queuePrefix } = queueEnvFromEnv();
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUES.train, { connection, prefix: queuePrefix });
  const events = opts.wait
    ? new QueueEvents(QUEUES.train, { connection: connection.duplicate(), prefix: queuePrefix })
    : undefined;
  try {
    const job = await queue.add(contract.name, payload, {
      jobId: contract.jobId(payload),
      attempts: contract.attempts,
      backoff: { type: 'exponential', delay: contract.backoffMs },
    });
    console.log(`submitted training job ${job.id} (model version ${version}) to queue ${QUEUES.train}`);
    if (!events) return;
    const bar = epochBar();
    events.on('progress', ({ jobId, data }) => {
      if (jobId === job.id && typeof data === 'object') bar.update(data as TrainProgress);
    });
    try {
      const result = (await job.waitUntilFinished(events)) as TrainResult;
      bar.stop();
      console.log(JSON.stringify(result));
    } catch (err) {
      bar.stop();
      throw new Error(`training job ${job.id} failed: ${(err as Error).message}`);
    }
  } finally {
    await events?.close();
    await queue.close();
  }
}

async function trainLocally(opts: TrainOptions, version: string): Promise<void> {
  await initBackend({ prefer: parseBackendPreference(opts.backend) });
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
  program
    .command('train')
    .description(
      'train the seed CNN on a beat dataset (a local file, or s3://bucket/key through the train queue)',
    )
    .requiredOption('--data <beats>', 'beat dataset: a Parquet file or s3://bucket/key')
    .requiredOption('--protocol <p>', 'intra (random split by beat, as the seed) or inter (DS1 -> DS2)')
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
    .action(async (opts: TrainOptions) => {
      parseProtocol(opts.protocol);
      if (!(Number.isInteger(Number(opts.threads)) && Number(opts.threads) >= 1))
        throw new Error(`--threads must be a positive integer, got ${opts.threads}`);
      if (opts.epochs !== undefined && !(Number.isInteger(Number(opts.epochs)) && Number(opts.epochs) >= 1))
        throw new Error(`--epochs must be a positive integer, got ${opts.epochs}`);
      const version =
        opts.version ?? `${opts.protocol}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '')}`;
      if (opts.data.startsWith('s3://')) await submitTraining(opts, version);
      else await trainLocally(opts, version);
    });

  program
    .command('evaluate')
    .description("score a model version on a protocol's test part, with the seed's figures beside")
    .requiredOption('--model <version>', 'model version (models/<version>/)')
    .requiredOption('--data <beats>', 'beat dataset Parquet file')
    .requiredOption('--protocol <p>', 'intra or inter')
    .option('--store <dir|s3://bucket>', 'where models/ lives', '.')
    .option('--backend <name>', 'auto, wasm or cpu', 'auto')
    .action(
      async (opts: { model: string; data: string; protocol: string; store: string; backend: string }) => {
        const protocol = parseProtocol(opts.protocol);
        await initBackend({ prefer: parseBackendPreference(opts.backend), log: () => {} });
        const { metrics, table } = await evaluateModel({
          store: storeFor(opts.store),
          version: opts.model,
          dataset: { bytes: new Uint8Array(await readFile(opts.data)), name: basename(opts.data) },
          protocol,
        });
        console.log(table);
        console.log(
          JSON.stringify({
            model: opts.model,
            protocol,
            accuracy: metrics.accuracy,
            macroF1: metrics.macroF1,
            beats: metrics.total,
          }),
        );
      },
    );
}
