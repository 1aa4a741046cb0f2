/**
 * `holterflow training [version] [--json]`: training jobs through the coordinator (GET /training,
 * GET /training/:version) with an operator key in HOLTERFLOW_API_KEY — the list with state and
 * epoch reached, or one job's report of every epoch, its checkpoint and result. Submitting and
 * cancelling are `holterflow train --via api` and `holterflow train cancel --via api`.
 */
import type { Command } from 'commander';
import type { TrainProgress } from '@holterflow/contracts';
import { CoordinatorClient, coordinatorUrl } from '../runs/coordinator-client.js';
import { table } from './admin.js';

/** The parts of the API's answers printed here (libs/train-jobs TrainingSummary / TrainingStatus). */
interface TrainingSummary {
  version: string;
  state: string;
  epoch: number;
  epochsPlanned?: number;
  submittedAt: string;
  failedReason?: string;
  accuracy?: number;
  macroF1?: number;
}
interface TrainingStatus extends TrainingSummary {
  jobId: string;
  protocol?: string;
  bucket?: string;
  dataKey?: string;
  epochsDone: number;
  history: TrainProgress[];
  checkpoint: { state: string; location: string; epoch?: number; finished?: boolean; problem?: string };
}

const epochsOf = (done: number, planned: number | undefined) => `${done}/${planned ?? '?'}`;

export function formatTrainingList(jobs: TrainingSummary[]): string {
  if (jobs.length === 0) return 'no training jobs in the queue';
  return table(
    ['version', 'state', 'epochs', 'submitted', 'outcome'],
    jobs.map((j) => [
      j.version,
      j.state,
      epochsOf(j.epoch, j.epochsPlanned),
      j.submittedAt,
      j.accuracy !== undefined
        ? `accuracy ${j.accuracy.toFixed(4)} macro-F1 ${j.macroF1?.toFixed(4)}`
        : (j.failedReason ?? ''),
    ]),
  );
}

export function formatTrainingStatus(s: TrainingStatus): string {
  const lines = [
    `training job ${s.jobId}: ${s.state}, epoch ${epochsOf(s.epochsDone, s.epochsPlanned)} ` +
      `(${s.protocol} on s3://${s.bucket}/${s.dataKey})`,
  ];
  if (s.history.length > 0)
    lines.push(
      table(
        ['epoch', 'loss', 'acc', 'val loss', 'val acc', 'lr', 's'],
        s.history.map((h) => [
          String(h.epoch),
          h.loss.toFixed(4),
          h.acc.toFixed(4),
          h.valLoss.toFixed(4),
          h.valAcc.toFixed(4),
          h.lr.toExponential(1),
          h.secondsPerEpoch.toFixed(1),
        ]),
      ),
    );
  const c = s.checkpoint;
  lines.push(
    c.state === 'present'
      ? `checkpoint: epoch ${c.epoch}${c.finished ? ' (finished)' : ''} at ${c.location}`
      : c.state === 'none'
        ? `checkpoint: none yet (${c.location})`
        : `checkpoint: ${c.state}${c.problem ? ` (${c.problem})` : ''} ${c.location}`,
  );
  if (s.accuracy !== undefined)
    lines.push(`result: accuracy ${s.accuracy.toFixed(4)} macro-F1 ${s.macroF1?.toFixed(4)}`);
  if (s.failedReason) lines.push(`failed: ${s.failedReason}`);
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('training')
    .description('training jobs through the coordinator: the list, or one version per epoch (operator key)')
    .argument('[version]', 'a model version: its report of every epoch, checkpoint and result')
    .option('--coordinator <url>', 'coordinator URL (default $HOLTERFLOW_COORDINATOR_URL)')
    .option('--json', 'print the API answer')
    .action(async (version: string | undefined, flags: { coordinator?: string; json?: boolean }) => {
      const client = new CoordinatorClient(coordinatorUrl(flags.coordinator, process.env));
      if (version === undefined) {
        const { training } = await client.call<{ training: TrainingSummary[] }>('GET', '/training');
        return console.log(flags.json ? JSON.stringify(training, null, 2) : formatTrainingList(training));
      }
      const status = await client.call<TrainingStatus>('GET', `/training/${encodeURIComponent(version)}`);
      console.log(flags.json ? JSON.stringify(status, null, 2) : formatTrainingStatus(status));
    });
}
