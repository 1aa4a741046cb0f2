import { BadRequestException, Inject, Injectable, type PipeTransform } from '@nestjs/common';
import { RunRequestSchema, type RunRequest } from '@holterflow/contracts';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from '../config.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';

/**
 * POST /runs body: the RunRequest contract, with the bucket defaulting to the coordinator's own
 * (a lab names a prefix, not the bucket every run uses). 400 lists every problem by field.
 */
@Injectable()
export class RunRequestPipe implements PipeTransform<unknown, RunRequest> {
  private readonly zod = new ZodBodyPipe(RunRequestSchema);

  constructor(@Inject(COORDINATOR_CONFIG) private readonly config: CoordinatorConfig) {}

  transform(value: unknown): RunRequest {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new BadRequestException('the request body must be a JSON object');
    return this.zod.transform({ bucket: this.config.storage.bucket, ...value });
  }
}
