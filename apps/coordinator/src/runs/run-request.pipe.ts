import { Inject, Injectable, type PipeTransform } from '@nestjs/common';
import { RunRequestSchema, type RunRequest } from '@holterflow/contracts';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from '../config.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { assertJsonObject, bucketOfRequest } from '../common/bucket-policy.js';

/**
 * POST /runs body: the RunRequest contract, with the bucket from configuration (the
 * coordinator's own when the body names none; common/bucket-policy.ts). 400 lists every
 * problem by field.
 */
@Injectable()
export class RunRequestPipe implements PipeTransform<unknown, RunRequest> {
  private readonly zod = new ZodBodyPipe(RunRequestSchema);

  constructor(@Inject(COORDINATOR_CONFIG) private readonly config: CoordinatorConfig) {}

  transform(value: unknown): RunRequest {
    assertJsonObject(value);
    return this.zod.transform({ ...value, bucket: bucketOfRequest(this.config, value.bucket) });
  }
}
