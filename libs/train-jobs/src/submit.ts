/**
 * Submitting a training job: one job per model version (contracts trainJobId), so submitting a
 * version twice is one job. A failed (e.g. cancelled) job of the version is replaced and its
 * cancel request cleared: the new job resumes from the version's checkpoint on S3. A waiting,
 * running or completed one is left as it is ('exists'; the coordinator answers 409). A model
 * version that exists but was not written by a training job of that version (a shipped model, a
 * job long trimmed from the queue under another dataset) is never trained over ('model-exists').
 */
import type { JobState } from 'bullmq';
import {
  JOB_CONTRACTS,
  QUEUES,
  keys,
  parseJobData,
  trainCancelKey,
  type TrainJobInput,
} from '@holterflow/contracts';
import type { TrainJobsContext } from './context.js';

export type TrainJobState = JobState | 'unknown';

export type SubmitOutcome =
  | {
      outcome: 'submitted';
      jobId: string;
      version: string;
      /** The job's state after the call. */
      state: TrainJobState;
      /** A failed job of this version was removed first (the new one resumes from its checkpoint). */
      replacedFailed: boolean;
    }
  /** A job of this version is waiting, running or completed: nothing changed. */
  | { outcome: 'exists'; jobId: string; version: string; state: TrainJobState }
  /** models/<version>/ exists without this version's training checkpoint: nothing queued. */
  | { outcome: 'model-exists'; jobId: string; version: string; model: string };

const contract = JOB_CONTRACTS[QUEUES.train];

/** Throws contracts' InvalidJobError naming each bad field of `input`. */
export async function submitTraining(
  context: TrainJobsContext,
  input: TrainJobInput,
): Promise<SubmitOutcome> {
  const payload = parseJobData(QUEUES.train, contract.payload, input);
  const { version } = payload;
  const jobId = contract.jobId(payload);
  const { queue } = context;
  const existing = await queue.getJob(jobId);
  const existingState = existing ? await existing.getState() : undefined;
  if (existing && existingState !== 'failed' && existingState !== 'unknown')
    return { outcome: 'exists', jobId, version, state: existingState! };

  const store = context.storeFor(payload.bucket);
  // A job of this version that ran writes its identity first and publishes interim models after
  // each epoch: a model with that identity beside it is this version's own and may be resumed.
  if (
    store &&
    (await store.exists(keys.modelFile(version, 'model.json'))) &&
    !(await store.exists(`${keys.trainingCheckpoint(jobId)}identity.json`))
  )
    return {
      outcome: 'model-exists',
      jobId,
      version,
      model: `s3://${payload.bucket}/${keys.modelPrefix(version)}`,
    };

  // BullMQ adds nothing under an id it still holds, so the failed job goes first.
  if (existing) await existing.remove();
  // A deliberate re-submit overrides an earlier cancel (whose key would fail the job at start).
  await context.redis.del(trainCancelKey(context.queuePrefix, jobId));
  const job = await queue.add(contract.name, payload, {
    jobId,
    attempts: contract.attempts,
    backoff: { type: 'exponential', delay: contract.backoffMs },
  });
  return {
    outcome: 'submitted',
    jobId,
    version,
    state: await job.getState(),
    replacedFailed: existing !== undefined,
  };
}
