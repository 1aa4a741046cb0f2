/**
 * Which bucket a run or an ingest uses. It comes from configuration: the coordinator's bucket,
 * or one of HOLTERFLOW_ALLOWED_BUCKETS that a request names. Any other bucket is a 400 naming
 * the field — the coordinator reads and writes buckets with its own credentials, so a request
 * must not be able to point it at one it was not set up to serve.
 */
import { BadRequestException } from '@nestjs/common';
import { allowedBucketsOf, type CoordinatorConfig } from '../config.js';

export function bucketOfRequest(config: CoordinatorConfig, requested: unknown): string {
  const allowed = allowedBucketsOf(config);
  if (requested === undefined) return allowed[0];
  if (typeof requested === 'string' && allowed.includes(requested)) return requested;
  throw new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: 'the request body is not valid',
    problems: [
      {
        field: 'bucket',
        problem:
          `${JSON.stringify(requested)} is not a bucket this coordinator serves; leave "bucket" out ` +
          `(it defaults to ${allowed[0]})` +
          (allowed.length > 1 ? ` or name one of ${allowed.join(', ')}` : ''),
      },
    ],
  });
}

/** A request body must be a JSON object before its fields are looked at. */
export function assertJsonObject(value: unknown): asserts value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new BadRequestException('the request body must be a JSON object');
}
