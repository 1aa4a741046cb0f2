import { Inject, Injectable, type PipeTransform } from '@nestjs/common';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from '../config.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { assertJsonObject, bucketOfRequest } from '../common/bucket-policy.js';
import { IngestRequestSchema, type IngestRequest } from './ingest.dto.js';

/** POST /ingest body: the bucket from configuration (common/bucket-policy.ts), the rest by zod. */
@Injectable()
export class IngestRequestPipe implements PipeTransform<unknown, IngestRequest> {
  private readonly zod = new ZodBodyPipe(IngestRequestSchema);

  constructor(@Inject(COORDINATOR_CONFIG) private readonly config: CoordinatorConfig) {}

  transform(value: unknown): IngestRequest {
    assertJsonObject(value);
    return this.zod.transform({ ...value, bucket: bucketOfRequest(this.config, value.bucket) });
  }
}
