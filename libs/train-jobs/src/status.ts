/**
 * Where training jobs are: the queue's view (state, latest epoch reported as job progress,
 * result or failure) and, for one job, the checkpoint's per-epoch history — the epochs a resumed
 * job ran before its last start are there too, which the job's progress alone would not hold.
 */
import type { Job } from 'bullmq';
import {
  TrainJobSchema,
  TrainResultSchema,
  TrainCancelRequestSchema,
  trainCancelKey,
  trainJobId,
  type TrainCancelRequest,
  type TrainJob,
  type TrainProgress,
  type TrainResult,
} from '@holterflow/contracts';
import type { TrainJobsContext } from './context.js';
import type { TrainJobState } from './submit.js';
import { readCheckpoint, type CheckpointReport } from './checkpoint.js';

export interface TrainingSummary {
  version: string;
  jobId: string;
  state: TrainJobState;
  bucket?: string;
  dataKey?: string;
  protocol?: TrainJob['protocol'];
  /** Epochs reported by the running (or last) attempt; 0 before the first one ends. */
  epoch: number;
  /** The epoch budget: what the job reports, else the request's; undefined = the default (40) before epoch 1. */
  epochsPlanned?: number;
  submittedAt: string;
  finishedAt?: string;
  failedReason?: string;
  accuracy?: number;
  macroF1?: number;
}

export interface TrainingStatus extends TrainingSummary {
  config?: TrainJob['config'];
  attemptsMade: number;
  startedAt?: string;
  /** The last epoch's report (BullMQ job progress). */
  latest?: TrainProgress;
  /**
   * One report per epoch done, oldest first: the checkpoint's history, and the latest report
   * when it is newer than the checkpoint (it is written right after; a reader can fall between).
   */
  history: TrainProgress[];
  /** Epochs done: the newest of the checkpoint and the job's progress. */
  epochsDone: number;
  checkpoint: CheckpointReport;
  result?: TrainResult;
  /** A pending cancel request (cleared by a re-submit). */
  cancelRequest?: TrainCancelRequest;
}

/** Job states the listing walks, in this order. */
export const LISTED_STATES = ['active', 'waiting', 'prioritized', 'delayed', 'failed', 'completed'] as const;

export function progressOf(job: Job): TrainProgress | undefined {
  const p = job.progress as Partial<TrainProgress> | number | undefined;
  return p && typeof p === 'object' && typeof p.epoch === 'number' ? (p as TrainProgress) : undefined;
}

export function payloadOf(job: Job): TrainJob | undefined {
  const parsed = TrainJobSchema.safeParse(job.data);
  return parsed.success ? parsed.data : undefined;
}

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : undefined);

function summaryOf(job: Job, state: TrainJobState): TrainingSummary {
  const payload = payloadOf(job);
  const latest = progressOf(job);
  const result = state === 'completed' ? TrainResultSchema.safeParse(job.returnvalue) : undefined;
  return {
    version: payload?.version ?? String(job.id).replace(/^train-/, ''),
    jobId: job.id!,
    state,
    bucket: payload?.bucket,
    dataKey: payload?.dataKey,
    protocol: payload?.protocol,
    epoch: latest?.epoch ?? 0,
    epochsPlanned: latest?.epochs ?? payload?.config.epochs,
    submittedAt: iso(job.timestamp)!,
    finishedAt: iso(job.finishedOn),
    failedReason: state === 'failed' ? job.failedReason : undefined,
    accuracy: result?.success ? result.data.accuracy : undefined,
    macroF1: result?.success ? result.data.macroF1 : undefined,
  };
}

/** Training jobs the queue still holds (BullMQ trims finished ones), `limit` per state. */
export async function listTraining(context: TrainJobsContext, limit = 100): Promise<TrainingSummary[]> {
  const out: TrainingSummary[] = [];
  for (const state of LISTED_STATES)
    for (const job of await context.queue.getJobs([state], 0, limit - 1))
      if (job) out.push(summaryOf(job, state));
  return out;
}

/** One version's job with its per-epoch history, or undefined when the queue holds none. */
export async function trainingStatus(
  context: TrainJobsContext,
  version: string,
): Promise<TrainingStatus | undefined> {
  const jobId = trainJobId({ version });
  // State first, then the job's hash: a job that fails between the two reads would otherwise
  // read as failed with the hash of its active moment (no failedReason yet). Once the state says
  // failed, the hash holds the reason (BullMQ moves both in one script).
  const state = await context.queue.getJobState(jobId);
  const job = await context.queue.getJob(jobId);
  if (!job || state === 'unknown') return undefined;
  const summary = summaryOf(job, state);
  const payload = payloadOf(job);
  const latest = progressOf(job);
  const checkpoint = payload
    ? await readCheckpoint(context, payload.bucket, jobId)
    : ({ state: 'unreadable', location: '', problem: 'the job payload is not a training job' } as const);
  const history = checkpoint.state === 'present' ? [...checkpoint.history] : [];
  if (latest && latest.epoch > (history.at(-1)?.epoch ?? 0)) history.push(latest);
  const result = TrainResultSchema.safeParse(job.returnvalue);
  const pending = await context.redis.get(trainCancelKey(context.queuePrefix, jobId));
  return {
    ...summary,
    config: payload?.config,
    attemptsMade: job.attemptsMade,
    startedAt: iso(job.processedOn),
    latest,
    history,
    epochsDone: Math.max(checkpoint.state === 'present' ? checkpoint.epoch : 0, latest?.epoch ?? 0),
    checkpoint,
    result: state === 'completed' && result.success ? result.data : undefined,
    cancelRequest: pending === null ? undefined : parseCancelRequest(pending),
  };
}

function parseCancelRequest(raw: string): TrainCancelRequest | undefined {
  try {
    const parsed = TrainCancelRequestSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
