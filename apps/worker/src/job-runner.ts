/**
 * The one place every job passes through (as immich's JobService.onJobRun wraps every handler):
 * the payload is parsed with its queue's contract, the handler's result is checked against the
 * contract's result schema (or the run flow's RunCancelledResult), and bad input — an invalid
 * payload (InvalidJobError) or a bad record (RecordInputError) — fails the job for good with the
 * problem as its reason (UnrecoverableError): retrying cannot fix it. Any other error (S3 or
 * Redis trouble) is thrown as is, so BullMQ retries the job with the contract's backoff.
 */
import { UnrecoverableError, type Job } from 'bullmq';
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

export async function runJob<Q extends ContractQueue>(
  queue: Q,
  job: Job,
  signal: AbortSignal | undefined,
  handler: JobHandler<Q>,
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
    throw err;
  }
}

function isCancelled(result: object): result is RunCancelledResult {
  return 'cancelled' in result && result.cancelled === true;
}
