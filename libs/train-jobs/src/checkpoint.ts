/**
 * A training job's checkpoint as a report: epochs done, per-epoch history, finished — read from
 * S3 (the truth a resume starts from) with two range reads of its header, not the weights.
 */
import {
  TRAIN_CHECKPOINT_PREAMBLE_BYTES,
  checkpointHeaderLength,
  checkpointSummary,
  parseCheckpointHeader,
  trainCheckpointKey,
  type TrainProgress,
} from '@holterflow/contracts';
import type { TrainJobsContext } from './context.js';

export type CheckpointReport =
  | { state: 'present'; location: string; epoch: number; finished: boolean; history: TrainProgress[] }
  /** No epoch finished yet (or the job never started). */
  | { state: 'none'; location: string }
  /** The bucket is not one this caller serves. */
  | { state: 'not-served'; location: string }
  | { state: 'unreadable'; location: string; problem: string };

export async function readCheckpoint(
  context: Pick<TrainJobsContext, 'storeFor'>,
  bucket: string,
  jobId: string,
): Promise<CheckpointReport> {
  const key = trainCheckpointKey(jobId);
  const location = `s3://${bucket}/${key}`;
  const store = context.storeFor(bucket);
  if (!store) return { state: 'not-served', location };
  // A worker replaces the object after every epoch; one between the two reads garbles the header.
  for (let attempt = 1; ; attempt++) {
    try {
      if (!(await store.exists(key))) return { state: 'none', location };
      const length = checkpointHeaderLength(
        await store.getRange(key, 0, TRAIN_CHECKPOINT_PREAMBLE_BYTES),
        location,
      );
      const header = await store.getRange(
        key,
        TRAIN_CHECKPOINT_PREAMBLE_BYTES,
        TRAIN_CHECKPOINT_PREAMBLE_BYTES + length,
      );
      return { state: 'present', location, ...checkpointSummary(parseCheckpointHeader(header), location) };
    } catch (err) {
      if (attempt < 2) continue;
      return { state: 'unreadable', location, problem: (err as Error).message };
    }
  }
}
