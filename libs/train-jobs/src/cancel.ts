/**
 * Cancelling the training job of a model version wherever it is:
 * - waiting, delayed or prioritized: removed from the queue. Usually nothing ran; a retry waiting
 *   for its backoff keeps the checkpoint its earlier attempt wrote (reported, with how to resume);
 * - active: the request is written to its cancel key (read by a worker before it starts or
 *   restarts the job) and published to every train worker; the one running it aborts it at the
 *   next batch boundary and the job fails for good (contracts trainCancelChannel says why both).
 *   We then wait for the job to fail and report its checkpoint and how to resume.
 * Every outcome is a value; the CLI prints it, the coordinator answers it.
 */
import type { Job, Queue } from 'bullmq';
import {
  TRAIN_CANCEL_KEY_TTL_SECONDS,
  TrainJobSchema,
  trainCancelChannel,
  trainCancelKey,
  trainJobId,
  type TrainCancelRequest,
  type TrainJob,
} from '@holterflow/contracts';
import type { TrainJobsContext } from './context.js';
import { readCheckpoint, type CheckpointReport } from './checkpoint.js';
import { payloadOf, progressOf } from './status.js';
import type { TrainJobState } from './submit.js';

/** Where a stopped job got to, and how to continue it. */
export interface StopReport {
  /** The epoch the cancel interrupted (from the failed job's reason). */
  stoppedInEpoch?: number;
  epochsPlanned?: number;
  checkpoint: CheckpointReport;
  /** Submitting this payload again continues after the checkpoint. */
  resume: { payload: TrainJob; command: string };
}

export type CancelOutcome =
  | { outcome: 'not-found'; jobId: string }
  /** Completed before (or while) the cancel: its model is written. */
  | { outcome: 'completed'; jobId: string; model: string; duringCancel: boolean }
  /** Failed already (cancelling twice is not an error). */
  | { outcome: 'already-failed'; jobId: string; failedReason: string; stop?: StopReport }
  | {
      outcome: 'removed';
      jobId: string;
      previousState: TrainJobState;
      /** 0: nothing ran. More: an attempt ran (a retry waited for its backoff), see stop. */
      attemptsStarted: number;
      stop?: StopReport;
    }
  | { outcome: 'cancelled'; jobId: string; listening: number; failedReason: string; stop?: StopReport }
  /** Removed by someone else while we waited. */
  | { outcome: 'gone'; jobId: string; listening: number }
  /** Still running at the timeout; the request stays (TRAIN_CANCEL_KEY_TTL_SECONDS). */
  | { outcome: 'still-running'; jobId: string; state: TrainJobState; listening: number; timeoutMs: number };

export interface CancelTrainingOptions {
  timeoutMs: number;
  /** Who asked, in words: becomes the end of the failed job's reason. */
  reason: string;
  /** Called once the request is published to a running job, before the wait. */
  onRequested?: (listening: number) => void;
}

/** Job states in which the job is not running (a retry waiting for its backoff or a stalled job put back too). */
const NOT_RUNNING = new Set<string>(['waiting', 'delayed', 'prioritized', 'waiting-children']);
const POLL_MS = 250;

export async function cancelTraining(
  context: TrainJobsContext,
  version: string,
  options: CancelTrainingOptions,
): Promise<CancelOutcome> {
  if (!TrainJobSchema.shape.version.safeParse(version).success)
    throw new Error(`invalid model version ${JSON.stringify(version)}`);
  const jobId = trainJobId({ version });
  const { queue, redis, queuePrefix } = context;
  // State before the job's hash (as trainingStatus): a job failing between the two reads keeps
  // its failedReason in what we read.
  const state = await queue.getJobState(jobId);
  const job = await queue.getJob(jobId);
  if (!job || state === 'unknown') return { outcome: 'not-found', jobId };
  if (state === 'completed')
    return { outcome: 'completed', jobId, model: modelLocation(job), duringCancel: false };
  if (state === 'failed')
    return {
      outcome: 'already-failed',
      jobId,
      failedReason: job.failedReason,
      stop: await stopReport(context, job),
    };
  if (NOT_RUNNING.has(state) && (await removeUnlessTaken(job))) {
    // A key left by an earlier cancel would fail a later job added under this id by other means.
    await redis.del(trainCancelKey(queuePrefix, jobId));
    const attemptsStarted = job.attemptsStarted;
    return {
      outcome: 'removed',
      jobId,
      previousState: state,
      attemptsStarted,
      // An attempt ran (a retry waits for its backoff, or a stalled job for a worker): it may have a checkpoint.
      stop: attemptsStarted > 0 ? await stopReport(context, job) : undefined,
    };
  }

  const request: TrainCancelRequest = {
    jobId,
    reason: options.reason,
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
  options.onRequested?.(listening);
  const finalState = await waitForEnd(queue, jobId, options.timeoutMs);
  if (finalState === 'failed') {
    const failed = await queue.getJob(jobId);
    if (failed)
      return {
        outcome: 'cancelled',
        jobId,
        listening,
        failedReason: failed.failedReason,
        stop: await stopReport(context, failed),
      };
  }
  if (finalState === 'completed')
    return { outcome: 'completed', jobId, model: modelLocation(job), duringCancel: true };
  if (finalState === 'unknown' || finalState === 'failed') return { outcome: 'gone', jobId, listening };
  return { outcome: 'still-running', jobId, state: finalState, listening, timeoutMs: options.timeoutMs };
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

async function waitForEnd(queue: Queue, jobId: string, timeoutMs: number): Promise<TrainJobState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await queue.getJobState(jobId);
    if (state === 'failed' || state === 'completed' || state === 'unknown' || Date.now() >= deadline)
      return state;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function modelLocation(job: Job): string {
  const data = payloadOf(job);
  return data ? `s3://${data.bucket}/models/${data.version}/` : '(payload unreadable)';
}

/** The CLI command that submits `payload` again. */
export function resumeCommand(payload: TrainJob): string {
  const flags = [
    `--data s3://${payload.bucket}/${payload.dataKey}`,
    `--protocol ${payload.protocol}`,
    `--version ${payload.version}`,
    ...(payload.config.epochs ? [`--epochs ${payload.config.epochs}`] : []),
    ...(payload.config.seed !== undefined ? [`--seed ${payload.config.seed}`] : []),
  ];
  return `holterflow train ${flags.join(' ')}`;
}

async function stopReport(context: TrainJobsContext, job: Job): Promise<StopReport | undefined> {
  const payload = payloadOf(job);
  if (!payload) return undefined;
  const stoppedIn = /cancelled in epoch (\d+)/.exec(job.failedReason ?? '')?.[1];
  return {
    stoppedInEpoch: stoppedIn === undefined ? undefined : Number(stoppedIn),
    epochsPlanned: progressOf(job)?.epochs ?? payload.config.epochs,
    checkpoint: await readCheckpoint(context, payload.bucket, job.id!),
    resume: { payload, command: resumeCommand(payload) },
  };
}
