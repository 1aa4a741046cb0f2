import { Inject, Injectable, type PipeTransform } from '@nestjs/common';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from '../config.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { assertJsonObject, bucketOfRequest } from '../common/bucket-policy.js';
import { TrainingRequestSchema, type TrainingRequest } from './training.dto.js';

/**
 * POST /training body, with the bucket from configuration (common/bucket-policy.ts): the
 * coordinator reads the dataset and writes the model with its own credentials. 400 lists every
 * problem by field.
 */
@Injectable()
export class TrainingRequestPipe implements PipeTransform<unknown, TrainingRequest> {
  private readonly zod = new ZodBodyPipe(TrainingRequestSchema);

  constructor(@Inject(COORDINATOR_CONFIG) private readonly config: CoordinatorConfig) {}

  transform(value: unknown): TrainingRequest {
    assertJsonObject(value);
    return this.zod.transform({ ...value, bucket: bucketOfRequest(this.config, value.bucket) });
  }
}
