/**
 * The one place every job passes through (as immich's JobService.onJobRun wraps every handler):
 * the payload is parsed with its queue's contract, the handler's result is checked against the
 * contract's result schema (or the run flow's RunCancelledResult), and bad input — an invalid
 * payload (InvalidJobError) or a bad record (RecordInputError) — fails the job for good with the
 * problem as its reason (UnrecoverableError): retrying cannot fix it. A job that fails because S3
 * is unreachable is postponed, not failed (below). Any other error (a bug, Redis trouble) is
 * thrown as is, so BullMQ retries the job with the contract's backoff.
 *
 * Postponing: an outage, a restart or throttling past the store's own retries sends the job back
 * to the delayed set with a growing delay, without spending one of its attempts. Attempts are for
 * failures a retry may or may not fix; an outage lasting longer than the attempts' backoff used
 * to exhaust them and mark a record failed for good although nothing was wrong with it (issue
 * #11: "S3 get …/manifest.json failed (ECONNREFUSED) after 5 attempts" after a 10-second outage).
 * Every processor gets this because every job passes through here.
 */
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { isTransientStorageFailure } from '@holterflow/storage';
import {
  InvalidJobError,
  JOB_CONTRACTS,
  RecordInputError,
  RunCancelledResultSchema,
  parseJobData,
  type ContractQueue,
  type JobPayload,
  type JobResult,
  type RunCancelledResult,
} from '@holterflow/contracts';

export type JobHandler<Q extends ContractQueue> = (
  payload: JobPayload<Q>,
  job: Job,
  signal?: AbortSignal,
) => Promise<JobResult<Q> | RunCancelledResult>;

/** What runJob needs to postpone a job: BullMQ's lock token, and who to tell. */
export interface Postponement {
  /** The job's lock token (BullMQ's processor argument); without it a job cannot be moved. */
  token: string | undefined;
  onPostpone: (delayMs: number, err: Error) => void;
}

export const POSTPONE_BASE_MS = 1_000;
export const POSTPONE_MAX_MS = 30_000;

/** 1, 2, 4 … 30 s with ±20 % jitter, so workers coming back do not hit S3 at the same instant. */
export function postponeDelayMs(postponements: number, random = Math.random): number {
  const ceiling = Math.min(POSTPONE_MAX_MS, POSTPONE_BASE_MS * 2 ** Math.min(postponements, 16));
  return Math.round(ceiling * (0.8 + 0.4 * random()));
}

/**
 * How often this job was postponed: BullMQ counts every start (attemptsStarted) but only failed
 * ones in attemptsMade, and a postponed job is one started without failing.
 */
export function postponementsOf(job: Pick<Job, 'attemptsStarted' | 'attemptsMade'>): number {
  return Math.max(0, (job.attemptsStarted ?? 1) - 1 - job.attemptsMade);
}

export async function runJob<Q extends ContractQueue>(
  queue: Q,
  job: Job,
  signal: AbortSignal | undefined,
  handler: JobHandler<Q>,
  postponement?: Postponement,
): Promise<JobResult<Q> | RunCancelledResult> {
  const contract = JOB_CONTRACTS[queue];
  try {
    const payload = parseJobData(queue, contract.payload, job.data) as JobPayload<Q>;
    const result = await handler(payload, job, signal);
    if (isCancelled(result)) return RunCancelledResultSchema.parse(result);
    return contract.result.parse(result) as JobResult<Q>;
  } catch (err) {
    if (err instanceof RecordInputError || err instanceof InvalidJobError)
      throw new UnrecoverableError(err.message);
    if (postponement?.token !== undefined && isTransientStorageFailure(err))
      await postpone(job, postponement.token, err as Error, postponement.onPostpone);
    throw err;
  }
}

async function postpone(
  job: Job,
  token: string,
  err: Error,
  onPostpone: Postponement['onPostpone'],
): Promise<never> {
  const delay = postponeDelayMs(postponementsOf(job));
  onPostpone(delay, err);
  await job.moveToDelayed(Date.now() + delay, token);
  // Tells BullMQ the job was moved on purpose: neither completed nor failed.
  throw new DelayedError();
}

function isCancelled(result: object): result is RunCancelledResult {
  return 'cancelled' in result && result.cancelled === true;
}
