/** Request bodies and query strings of /training, validated with zod like the job payloads. */
import { z } from 'zod';
import { TRAIN_PROTOCOLS, TrainJobSchema, requestObjectKey } from '@holterflow/contracts';
import { LISTED_STATES } from '@holterflow/train-jobs';

const config = TrainJobSchema.shape.config.unwrap().shape;

/**
 * POST /training. The bucket is the coordinator's unless the body names one it serves
 * (TrainingRequestPipe fills it in); the dataset is a beat dataset Parquet (libs/ecg's schema,
 * `holterflow dataset build`) under that bucket.
 */
export const TrainingRequestSchema = z.strictObject({
  bucket: z.string(),
  dataKey: requestObjectKey,
  protocol: z.enum(TRAIN_PROTOCOLS),
  version: TrainJobSchema.shape.version,
  epochs: config.epochs,
  seed: config.seed,
  batchSize: config.batchSize,
  learningRate: config.learningRate,
});
export type TrainingRequest = z.infer<typeof TrainingRequestSchema>;

export const TrainingRequestJsonSchema = (() => {
  const schema = z.toJSONSchema(TrainingRequestSchema, { target: 'openapi-3.0', io: 'input' }) as {
    required?: string[];
    description?: string;
  };
  schema.required = (schema.required ?? []).filter((f) => f !== 'bucket');
  schema.description =
    '"dataKey" is a beat dataset (Parquet) in the bucket; "bucket" defaults to the coordinator\'s. ' +
    'The model lands in models/<version>/ of that bucket. epochs (default 40, early stopping may end ' +
    'sooner), seed (default 42), batchSize and learningRate override the seed setup.';
  return schema;
})();

/** POST /training/:version/cancel: how long to wait for a running job to stop (0 = do not wait). */
export const CancelTrainingSchema = z
  .strictObject({ timeoutSeconds: z.number().min(0).max(120).default(30) })
  .default({ timeoutSeconds: 30 });
export type CancelTrainingBody = z.infer<typeof CancelTrainingSchema>;

export const TrainingListQuerySchema = z.strictObject({
  state: z.enum(LISTED_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type TrainingListQuery = z.infer<typeof TrainingListQuerySchema>;
