/** S3 client construction: one place that knows the SDK settings our servers need. */
import { S3Client } from '@aws-sdk/client-s3';
import type { StorageConfig } from './config.js';

export interface ClientOptions {
  /**
   * Attempts the SDK itself makes per request. ObjectStore retries around whole operations
   * (retry.ts) and so asks for 1; the multipart uploader, whose parts the SDK sends on its own,
   * asks for the policy's count so a throttled part is retried with the SDK's jittered backoff.
   */
  sdkMaxAttempts: number;
}

export function createS3Client(config: StorageConfig, options: ClientOptions): S3Client {
  return new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: config.credentials,
    maxAttempts: options.sdkMaxAttempts,
    retryMode: 'standard',
    // docs/ARCHITECTURE.md: with the SDK's default ('WHEN_SUPPORTED') a PutObject with a stream body is sent
    // with aws-chunked framing, and s3rver stores the framing as object bytes.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Without timeouts a half-open connection hangs a worker forever. requestTimeout is the
    // socket idle time, so long transfers that keep moving bytes are not cut off.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  });
}
