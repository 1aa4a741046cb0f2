/**
 * `holterflow train cancel <version> [--via queue|api]`: libs/train-jobs cancelTraining, straight
 * on the queue (a host with Redis and S3 configured) or through the coordinator's
 * POST /training/:version/cancel with an operator key in HOLTERFLOW_API_KEY; printed the same
 * either way. What happens to a queued, delayed or running job is described in libs/train-jobs.
 *
 * Exit codes: 0 when the job is no longer running because of this or an earlier cancel (or had
 * failed already: cancelling twice is not an error); 1 when nothing could be cancelled (no such
 * job, or it completed: its model is written) or the job was still running at the timeout.
 */
import { hostname, userInfo } from 'node:os';
import { QUEUES, TRAIN_CANCEL_KEY_TTL_SECONDS, trainJobId } from '@holterflow/contracts';
import {
  cancelTraining,
  connectTrainJobs,
  type CancelOutcome,
  type StopReport,
} from '@holterflow/train-jobs';
import { CoordinatorClient } from '../runs/coordinator-client.js';

export interface CancelTrainingOptions {
  timeoutMs: number;
  print?: (line: string) => void;
  /** Through this coordinator instead of straight on the queue. */
  coordinator?: string;
}

/** Returns the process exit code; every outcome is printed. */
export async function cancelTrainingCommand(version: string, options: CancelTrainingOptions): Promise<0 | 1> {
  const print = options.print ?? ((line: string) => console.log(line));
  const seconds = Math.round(options.timeoutMs / 1000);
  const requested = (listening: number) =>
    print(
      `cancel of running training job ${trainJobId({ version })} requested (${listening} train worker${listening === 1 ? '' : 's'} ` +
        `listening); waiting up to ${seconds} s for it to stop`,
    );
  if (options.coordinator !== undefined) {
    // A 404 (no such job) or 409 (completed) is an Error with the coordinator's message: exit 1.
    const outcome = await new CoordinatorClient(options.coordinator).call<CancelOutcome>(
      'POST',
      `/training/${encodeURIComponent(version)}/cancel`,
      { timeoutSeconds: options.timeoutMs / 1000 },
    );
    if ('listening' in outcome) requested(outcome.listening);
    return printOutcome(outcome, version, seconds, print);
  }

  const connection = connectTrainJobs(process.env);
  try {
    const outcome = await cancelTraining(connection.context, version, {
      timeoutMs: options.timeoutMs,
      reason: `cancelled by ${userInfo().username}@${hostname()} with holterflow train cancel`,
      onRequested: requested,
    });
    if (outcome.outcome === 'not-found')
      throw new Error(
        `no training job ${outcome.jobId} in queue ${QUEUES.train} (Redis ${connection.redisUrl}, queue prefix ` +
          `${connection.context.queuePrefix}); finished jobs are kept until BullMQ trims them`,
      );
    return printOutcome(outcome, version, seconds, print);
  } finally {
    await connection.close();
  }
}

function printOutcome(
  outcome: CancelOutcome,
  version: string,
  seconds: number,
  print: (line: string) => void,
): 0 | 1 {
  const { jobId } = outcome;
  switch (outcome.outcome) {
    case 'not-found':
      print(`no training job ${jobId} in queue ${QUEUES.train}`);
      return 1;
    case 'completed':
      print(
        outcome.duringCancel
          ? `training job ${jobId} completed before the cancel reached it (model ${outcome.model})`
          : `training job ${jobId} already completed: nothing to cancel (model ${outcome.model})`,
      );
      return 1;
    case 'already-failed':
      print(`training job ${jobId} already failed: ${outcome.failedReason}`);
      printStop(outcome.stop, print);
      return 0;
    case 'removed':
      if (outcome.attemptsStarted === 0)
        print(`training job ${jobId} removed before it started (it was ${outcome.previousState})`);
      else {
        print(
          `training job ${jobId} removed while ${outcome.previousState} after ${outcome.attemptsStarted} started attempt(s)`,
        );
        printStop(outcome.stop, print);
      }
      return 0;
    case 'cancelled':
      print(`training job ${jobId} cancelled: ${outcome.failedReason}`);
      printStop(outcome.stop, print);
      return 0;
    case 'gone':
      print(`training job ${jobId} disappeared from the queue while cancelling (removed by someone else?)`);
      return 0;
    case 'still-running':
      print(
        `training job ${jobId} is still ${outcome.state} after ${seconds} s. The request ` +
          `stays for ${TRAIN_CANCEL_KEY_TTL_SECONDS / 3600} h: the job stops at its next batch (a long step such as ` +
          `reading the dataset or SMOTE does not check), and fails when a worker (re)starts it. ` +
          `Check again with: holterflow train cancel ${version}`,
      );
      return 1;
  }
}

/** Where the job stopped, its checkpoint (read from S3: the truth a resume starts from), and the resume command. */
function printStop(stop: StopReport | undefined, print: (line: string) => void): void {
  if (!stop) return;
  if (stop.stoppedInEpoch !== undefined)
    print(`stopped in epoch ${stop.stoppedInEpoch}${stop.epochsPlanned ? ` of ${stop.epochsPlanned}` : ''}`);
  const c = stop.checkpoint;
  if (c.state === 'present') print(`checkpoint: epoch ${c.epoch} at ${c.location}`);
  else if (c.state === 'none') print(`checkpoint: none (no epoch finished; ${c.location} does not exist)`);
  else if (c.state === 'unreadable') print(`checkpoint: could not read ${c.location}: ${c.problem}`);
  print(`resume (continues after the checkpoint): ${stop.resume.command}`);
}
