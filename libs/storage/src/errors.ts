/** Errors thrown by ObjectStore: always naming the operation, bucket and key at fault. */
import { isRetryable } from './retry.js';

export type StorageOperation =
  | 'put'
  | 'get'
  | 'getRange'
  | 'getStream'
  | 'head'
  | 'delete'
  | 'list'
  | 'upload'
  | 'ensureBucket'
  | 'bucketExists';

export class StorageError extends Error {
  override readonly name: string = 'StorageError';
  constructor(
    readonly operation: StorageOperation,
    readonly bucket: string,
    /** The object key, or the listing prefix for `list`; undefined for bucket-level operations. */
    readonly key: string | undefined,
    /** S3 error code or Node error code when known (SlowDown, NoSuchKey, ECONNREFUSED, ...). */
    readonly code: string | undefined,
    /** How many attempts were made before giving up. */
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(
      `S3 ${operation} s3://${bucket}/${key ?? ''} failed` +
        `${code ? ` (${code})` : ''}${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${causeMessage(options?.cause)}`,
      options,
    );
  }
}

/** The object does not exist (S3 NoSuchKey / 404). Never retried. */
export class ObjectNotFound extends StorageError {
  override readonly name = 'ObjectNotFound';
  constructor(operation: StorageOperation, bucket: string, key: string, options?: { cause?: unknown }) {
    super(operation, bucket, key, 'NoSuchKey', 1, options);
    this.message = `S3 ${operation}: object s3://${bucket}/${key} does not exist`;
  }
}

function causeMessage(cause: unknown): string {
  if (cause instanceof Error) return cause.message || cause.name;
  return String(cause);
}

/**
 * Whether `err` (or anything in its cause chain) is S3 being unreachable or overloaded after
 * the store's own retries: a connection refused, a timeout, a 5xx or throttling. Such a failure
 * says nothing about the data — the same job succeeds once S3 is back — so job runners postpone
 * instead of failing it. A missing object or a refused request is not transient.
 */
export function isTransientStorageFailure(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof ObjectNotFound) return false;
    if (e instanceof StorageError) return isRetryable(e.cause);
  }
  return false;
}
