/**
 * The `train` queue: one job trains one model version from a beat dataset (libs/ecg's Parquet
 * schema) on S3 and writes models/<version>/. The job id is derived from the version, so
 * submitting the same version twice is one job, and a retry resumes from that job's checkpoint.
 */
import { z } from 'zod';
import { isSafeId } from '../keys.js';

const bucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'not a valid S3 bucket name');
const modelVersion = z.string().refine(isSafeId, {
  message: "model versions are 1-128 letters, digits, '_', '-' or '.', not starting with '.'",
});

export const TRAIN_PROTOCOLS = ['intra', 'inter'] as const;

export const TrainJobSchema = z.object({
  bucket: bucketName,
  /** The beat dataset object (Parquet). */
  dataKey: z.string().min(1).max(1024),
  /** intra: the seed's random split by beat; inter: MIT-BIH DS1 -> DS2 by record. */
  protocol: z.enum(TRAIN_PROTOCOLS),
  version: modelVersion,
  /** Overrides of the seed's setup (libs/training TRAINING_DEFAULTS). */
  config: z
    .object({
      epochs: z.number().int().min(1).max(1000).optional(),
      batchSize: z.number().int().min(1).max(4096).optional(),
      learningRate: z.number().positive().optional(),
      seed: z.number().int().optional(),
    })
    .strict()
    .default({}),
});
export type TrainJob = z.infer<typeof TrainJobSchema>;
export type TrainJobInput = z.input<typeof TrainJobSchema>;

export const TrainResultSchema = z.object({
  version: modelVersion,
  accuracy: z.number(),
  macroF1: z.number(),
  epochs: z.number().int(),
  bestEpoch: z.number().int(),
  /** 0 for a fresh run; the checkpointed epoch a retried job continued after. */
  resumedFromEpoch: z.number().int(),
  keys: z.array(z.string()),
});
export type TrainResult = z.infer<typeof TrainResultSchema>;

/**
 * One epoch's report: the train job's progress (BullMQ job.updateProgress), the CLI's bar, and
 * the history in checkpoints and curves (libs/training's EpochReport is this type).
 */
export interface TrainProgress {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** Mean training loss and accuracy over the epoch (dropout on, weights moving). */
  loss: number;
  acc: number;
  valLoss: number;
  valAcc: number;
  /** The learning rate this epoch trained with. */
  lr: number;
  secondsPerEpoch: number;
  /** Seconds left if all remaining epochs run (early stopping can only shorten it). */
  eta: number;
}

/** Valid as a BullMQ job id and as keys.trainingCheckpoint's id (no ':'). */
export const trainJobId = (j: Pick<TrainJob, 'version'>) => `train-${j.version}`;

/**
 * Cancelling a training job (`holterflow train cancel <version>`). BullMQ's worker.cancelJob()
 * only reaches a job from inside the process running it, so the canceller tells every train
 * worker over Redis pub/sub and the one running the job aborts it. Pub/sub is fire-and-forget (a
 * restarting worker misses the message), so the request is also written to a key that a train
 * worker reads before it starts (or restarts) the job; submitting the version again deletes it,
 * so a deliberate re-submit resumes from the checkpoint. Both names live under the queue prefix,
 * so deployments (and tests) sharing one Redis never cancel each other's jobs.
 */
export const trainCancelChannel = (queuePrefix: string) => `${queuePrefix}:holterflow:train:cancel`;
export const trainCancelKey = (queuePrefix: string, jobId: string) =>
  `${queuePrefix}:holterflow:train:cancel:${jobId}`;
/** Long enough to outlive any retry backoff or worker restart; short enough to leave no litter. */
export const TRAIN_CANCEL_KEY_TTL_SECONDS = 24 * 60 * 60;

/** The pub/sub message, and the value of the cancel key. */
export const TrainCancelRequestSchema = z.object({
  jobId: z.string().min(1),
  /** Becomes part of the failed job's reason. */
  reason: z.string().min(1),
  requestedAt: z.string(),
});
export type TrainCancelRequest = z.infer<typeof TrainCancelRequestSchema>;
