/**
 * `holterflow train cancel <version>`: stops the training job of a model version wherever it is.
 * - Waiting, delayed or prioritized: removed from the queue. Usually nothing ran; a retry waiting
 *   for its backoff keeps the checkpoint its earlier attempt wrote (printed, with the resume command).
 * - Active: the request is written to its cancel key (read by a worker before it starts or
 *   restarts the job) and published to every train worker; the one running it aborts it at the
 *   next batch boundary and the job fails for good (contracts trainCancelChannel says why both).
 *   We then wait for the job to fail and say where its checkpoint is and how to resume.
 *
 * Exit codes: 0 when the job is no longer running because of this or an earlier cancel (or had
 * failed already: cancelling twice is not an error); 1 when nothing could be cancelled (no such
 * job, or it completed: its model is written) or the job was still running at the timeout.
 */
import { hostname, userInfo } from 'node:os';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import {
  QUEUES,
  TRAIN_CANCEL_KEY_TTL_SECONDS,
  TrainJobSchema,
  keys,
  queueEnvFromEnv,
  trainCancelChannel,
  trainCancelKey,
  trainJobId,
  type TrainCancelRequest,
  type TrainJob,
  type TrainProgress,
} from '@holterflow/contracts';
import { ObjectStore, storageConfigFromEnv } from '@holterflow/storage';
import { decodeCheckpoint } from '@holterflow/training';

/** Job states in which the job is not running (a retry waiting for its backoff or a stalled job put back too). */
const NOT_RUNNING = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);
const POLL_MS = 250;

export interface CancelTrainingOptions {
  timeoutMs: number;
  print?: (line: string) => void;
}

/** Returns the process exit code; every outcome is printed. */
export async function cancelTraining(version: string, options: CancelTrainingOptions): Promise<0 | 1> {
  const print = options.print ?? ((line: string) => console.log(line));
  const parsedVersion = TrainJobSchema.shape.version.safeParse(version);
  if (!parsedVersion.success) throw new Error(`invalid model version ${JSON.stringify(version)}`);
  const jobId = trainJobId({ version });
  const { redisUrl, queuePrefix } = queueEnvFromEnv(process.env);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUES.train, { connection: redis, prefix: queuePrefix });
  try {
    const job = await queue.getJob(jobId);
    if (!job)
      throw new Error(
        `no training job ${jobId} in queue ${QUEUES.train} (Redis ${redisUrl}, queue prefix ${queuePrefix}); ` +
          `finished jobs are kept until BullMQ trims them`,
      );
    const state = await job.getState();
    if (state === 'completed') {
      print(`training job ${jobId} already completed: nothing to cancel (model ${modelLocation(job)})`);
      return 1;
    }
    if (state === 'failed') {
      print(`training job ${jobId} already failed: ${job.failedReason}`);
      await printCheckpointAndResume(job, print);
      return 0;
    }
    if (NOT_RUNNING.has(state) && (await removeUnlessTaken(job))) {
      // A key left by an earlier cancel would fail a later job added under this id by other means.
      await redis.del(trainCancelKey(queuePrefix, jobId));
      if (job.attemptsStarted === 0) {
        print(`training job ${jobId} removed before it started (it was ${state})`);
        return 0;
      }
      // An attempt ran (a retry waits for its backoff, or a stalled job for a worker): it may have a checkpoint.
      print(`training job ${jobId} removed while ${state} after ${job.attemptsStarted} started attempt(s)`);
      await printCheckpointAndResume(job, print);
      return 0;
    }

    const request: TrainCancelRequest = {
      jobId,
      reason: `cancelled by ${userInfo().username}@${hostname()} with holterflow train cancel`,
      requestedAt: new Date().toISOString(),
    };
    // Key first: a worker that starts the job after the publish still sees the request.
    await redis.set(
      trainCancelKey(queuePrefix, jobId),
      JSON.stringify(request),
      'EX',
      TRAIN_CANCEL_KEY_TTL_SECONDS,
    );
    const listening = await redis.publish(trainCancelChannel(queuePrefix), JSON.stringify(request));
    print(
      `cancel of running training job ${jobId} requested (${listening} train worker${listening === 1 ? '' : 's'} ` +
        `listening); waiting up to ${Math.round(options.timeoutMs / 1000)} s for it to stop`,
    );
    const finalState = await waitForEnd(queue, jobId, options.timeoutMs);
    if (finalState === 'failed') {
      const failed = (await queue.getJob(jobId))!;
      print(`training job ${jobId} cancelled: ${failed.failedReason}`);
      await printCheckpointAndResume(failed, print);
      return 0;
    }
    if (finalState === 'completed') {
      print(`training job ${jobId} completed before the cancel reached it (model ${modelLocation(job)})`);
      return 1;
    }
    if (finalState === 'unknown') {
      print(`training job ${jobId} disappeared from the queue while cancelling (removed by someone else?)`);
      return 0;
    }
    print(
      `training job ${jobId} is still ${finalState} after ${Math.round(options.timeoutMs / 1000)} s. The request ` +
        `stays for ${TRAIN_CANCEL_KEY_TTL_SECONDS / 3600} h: the job stops at its next batch (a long step such as ` +
        `reading the dataset or SMOTE does not check), and fails when a worker (re)starts it. ` +
        `Check again with: holterflow train cancel ${version}`,
    );
    return 1;
  } finally {
    await queue.close();
    // BullMQ does not close a connection it was handed.
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** False when a worker took the job between our look and the removal (it is locked then). */
async function removeUnlessTaken(job: Job): Promise<boolean> {
  try {
    await job.remove();
    return true;
  } catch {
    return false;
  }
}

async function waitForEnd(queue: Queue, jobId: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await queue.getJobState(jobId);
    if (state === 'failed' || state === 'completed' || state === 'unknown' || Date.now() >= deadline)
      return state;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function jobData(job: Job): TrainJob | undefined {
  const parsed = TrainJobSchema.safeParse(job.data);
  return parsed.success ? parsed.data : undefined;
}

function modelLocation(job: Job): string {
  const data = jobData(job);
  return data ? `s3://${data.bucket}/models/${data.version}/` : '(payload unreadable)';
}

/** Where the job stopped, its checkpoint (read from S3: the truth a resume starts from), and the resume command. */
async function printCheckpointAndResume(job: Job, print: (line: string) => void): Promise<void> {
  const data = jobData(job);
  if (!data) return;
  const progress = typeof job.progress === 'object' ? (job.progress as Partial<TrainProgress>) : undefined;
  const stoppedIn = /cancelled in epoch (\d+)/.exec(job.failedReason ?? '')?.[1];
  const planned = progress?.epochs ?? data.config.epochs;
  if (stoppedIn) print(`stopped in epoch ${stoppedIn}${planned ? ` of ${planned}` : ''}`);

  const key = `${keys.trainingCheckpoint(job.id!)}latest.bin`;
  const location = `s3://${data.bucket}/${key}`;
  const store = new ObjectStore({ ...storageConfigFromEnv(process.env), bucket: data.bucket });
  try {
    if (await store.exists(key)) {
      const checkpoint = decodeCheckpoint(await store.get(key), location);
      print(`checkpoint: epoch ${checkpoint.epoch} at ${location}`);
    } else print(`checkpoint: none (no epoch finished; ${location} does not exist)`);
  } catch (err) {
    print(`checkpoint: could not read ${location}: ${(err as Error).message}`);
  } finally {
    store.destroy();
  }
  const flags = [
    `--data s3://${data.bucket}/${data.dataKey}`,
    `--protocol ${data.protocol}`,
    `--version ${data.version}`,
    ...(data.config.epochs ? [`--epochs ${data.config.epochs}`] : []),
    ...(data.config.seed !== undefined ? [`--seed ${data.config.seed}`] : []),
  ];
  print(`resume (continues after the checkpoint): holterflow train ${flags.join(' ')}`);
}
