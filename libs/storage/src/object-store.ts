/**
 * ObjectStore: the one S3 API the rest of HolterFlow uses, bound to one bucket. Every call is
 * retried on throttling, 5xx and network errors (retry.ts) and fails as a StorageError naming
 * the operation, bucket and key; a missing object is an ObjectNotFound.
 */
import { Readable } from 'node:stream';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { StorageConfig } from './config.js';
import { createS3Client } from './client.js';
import { ObjectNotFound, StorageError, type StorageOperation } from './errors.js';
import { AttemptsFailed, errorCode, httpStatusOf, withRetry } from './retry.js';
import { TransferCounter } from './transfer-counter.js';

export interface ObjectInfo {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
}

export type ObjectHead = Omit<ObjectInfo, 'key'>;

/** hyparquet's AsyncBuffer (structurally identical, so this library does not depend on it). */
export interface AsyncBuffer {
  byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer>;
}

/** An AsyncBuffer over one S3 object that counts what its reads cost. */
export interface CountingAsyncBuffer extends AsyncBuffer {
  readonly key: string;
  readonly counter: TransferCounter;
}

/** Anything with a zod-style `parse` (zod schemas qualify). */
export interface Parser<T> {
  parse(value: unknown): T;
}

/** lib-storage's minimum part size is 5 MiB; 8 MiB keeps a 55 MB recording to 7 parts. */
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const UPLOAD_PARALLEL_PARTS = 4;

export class ObjectStore {
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly uploadClient: S3Client;

  constructor(private readonly config: StorageConfig) {
    this.bucket = config.bucket;
    this.client = createS3Client(config, { sdkMaxAttempts: 1 });
    this.uploadClient = createS3Client(config, { sdkMaxAttempts: config.retry.maxAttempts });
  }

  /** Closes the clients' connection pools (lets a short-lived process exit promptly). */
  destroy(): void {
    this.client.destroy();
    this.uploadClient.destroy();
  }

  async put(key: string, body: Uint8Array | string, options: { contentType?: string } = {}): Promise<void> {
    assertKey(key);
    await this.run('put', key, () =>
      this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: options.contentType }),
      ),
    );
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.put(key, JSON.stringify(value), { contentType: 'application/json' });
  }

  /** The whole object. The body is read inside the retry, so a reset mid-body is retried too. */
  async get(key: string): Promise<Uint8Array> {
    assertKey(key);
    return this.run('get', key, async () => {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
    });
  }

  async getText(key: string): Promise<string> {
    return new TextDecoder('utf-8').decode(await this.get(key));
  }

  /**
   * Parsed JSON; with a `parser` (e.g. a zod schema) the value is validated as well. Both kinds
   * of failure are a StorageError with code InvalidJson naming the object, the cause attached.
   */
  async getJson<T>(key: string, parser?: Parser<T>): Promise<T> {
    const text = await this.getText(key);
    try {
      const value: unknown = JSON.parse(text);
      return parser ? parser.parse(value) : (value as T);
    } catch (err) {
      throw new StorageError('get', this.bucket, key, 'InvalidJson', 1, { cause: err });
    }
  }

  /**
   * Bytes [start, endExclusive) of an object; shorter when the object ends first. An empty
   * range costs no request. A start at or past the end of the object fails (S3 InvalidRange).
   */
  async getRange(key: string, start: number, endExclusive: number): Promise<Uint8Array> {
    return this.rangeRead(key, start, endExclusive, undefined);
  }

  /** Size, ETag and modification time, or undefined when the object does not exist. */
  async head(key: string): Promise<ObjectHead | undefined> {
    assertKey(key);
    try {
      const out = await withRetry(this.config.retry, () =>
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })),
      );
      return {
        size: out.ContentLength ?? 0,
        etag: out.ETag ?? '',
        lastModified: out.LastModified ?? new Date(0),
      };
    } catch (err) {
      const failure = this.toStorageError('head', key, err);
      if (failure instanceof ObjectNotFound) return undefined;
      throw failure;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  /** Deletes an object; deleting a missing object succeeds (S3 semantics), so it is idempotent. */
  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.run('delete', key, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
    );
  }

  /** Every object under `prefix`, in key order, following ListObjectsV2 continuation tokens. */
  async *list(prefix: string, options: { pageSize?: number } = {}): AsyncGenerator<ObjectInfo> {
    for await (const page of this.listPages(prefix, undefined, options.pageSize)) {
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        yield {
          key: o.Key,
          size: o.Size ?? 0,
          etag: o.ETag ?? '',
          lastModified: o.LastModified ?? new Date(0),
        };
      }
    }
  }

  /**
   * The "folders" directly under `prefix`: each distinct key prefix up to and including the next
   * `delimiter` (S3 CommonPrefixes), in key order, following continuation tokens. Listing
   * `runs/` this way yields one `runs/<id>/` per run instead of every part of every run.
   *
   * Only prefixes after the last one yielded are yielded: S3 lists in UTF-8 byte order and never
   * repeats a prefix across pages, but s3rver pages by objects alone and repeats the prefixes
   * that sort after the page's last object on the next page.
   */
  async *listPrefixes(
    prefix: string,
    options: { delimiter?: string; pageSize?: number } = {},
  ): AsyncGenerator<string> {
    let last: Buffer | undefined;
    for await (const page of this.listPages(prefix, options.delimiter ?? '/', options.pageSize)) {
      for (const { Prefix: p } of page.CommonPrefixes ?? []) {
        if (p === undefined) continue;
        const bytes = Buffer.from(p, 'utf8');
        if (last !== undefined && Buffer.compare(bytes, last) <= 0) continue;
        last = bytes;
        yield p;
      }
    }
  }

  /** ListObjectsV2 pages under `prefix` (grouped by `delimiter` when given), token after token. */
  private async *listPages(
    prefix: string,
    delimiter: string | undefined,
    pageSize: number | undefined,
  ): AsyncGenerator<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      const page = await this.run('list', prefix, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            Delimiter: delimiter,
            ContinuationToken: token,
            MaxKeys: pageSize,
          }),
        ),
      );
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /**
   * Multipart upload (lib-storage) for large objects and streams of unknown length. Parts are
   * buffered `partSize` bytes at a time and retried by the SDK; a failed upload is aborted so no
   * orphaned parts are left behind. Bodies smaller than one part go up as a single PUT.
   */
  async upload(
    key: string,
    body: Readable | Uint8Array,
    options: { partSize?: number; contentType?: string } = {},
  ): Promise<{ etag: string; parts: number }> {
    assertKey(key);
    let parts = 0;
    try {
      const upload = new Upload({
        client: this.uploadClient,
        params: { Bucket: this.bucket, Key: key, Body: body, ContentType: options.contentType },
        partSize: options.partSize ?? DEFAULT_PART_SIZE,
        queueSize: UPLOAD_PARALLEL_PARTS,
        leavePartsOnError: false,
      });
      upload.on('httpUploadProgress', (progress) => (parts = Math.max(parts, progress.part ?? 0)));
      const out = await upload.done();
      return { etag: out.ETag ?? '', parts };
    } catch (err) {
      throw this.toStorageError('upload', key, err);
    }
  }

  /**
   * The object as a stream, for bodies too large to hold in memory. Only opening the stream is
   * retried: a failure while the caller reads it surfaces as a stream error.
   */
  async getStream(key: string): Promise<Readable> {
    assertKey(key);
    return this.run('getStream', key, async () => {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!(out.Body instanceof Readable)) throw new Error('the S3 client returned a non-Node stream body');
      return out.Body;
    });
  }

  /** Creates the bucket unless it exists (safe to call from several processes at once). */
  /** Whether the bucket exists (HEAD bucket: 404 is false; other failures throw). */
  async bucketExists(): Promise<boolean> {
    try {
      await withRetry(this.config.retry, () =>
        this.client.send(new HeadBucketCommand({ Bucket: this.bucket })),
      );
      return true;
    } catch (err) {
      const last = err instanceof AttemptsFailed ? err.lastError : err;
      if (httpStatusOf(last) === 404) return false;
      throw this.toStorageError('bucketExists', undefined, err);
    }
  }

  /** Creates the bucket unless it exists; true when this call created it. */
  async ensureBucket(): Promise<boolean> {
    try {
      await withRetry(this.config.retry, () =>
        this.client.send(new HeadBucketCommand({ Bucket: this.bucket })),
      );
      return false;
    } catch (err) {
      const last = err instanceof AttemptsFailed ? err.lastError : err;
      if (httpStatusOf(last) !== 404) throw this.toStorageError('ensureBucket', undefined, err);
    }
    // us-east-1 is S3's default location and rejects an explicit LocationConstraint.
    const location =
      this.config.region === 'us-east-1'
        ? undefined
        : { LocationConstraint: this.config.region as BucketLocationConstraint };
    try {
      await withRetry(this.config.retry, () =>
        this.client.send(
          new CreateBucketCommand({ Bucket: this.bucket, CreateBucketConfiguration: location }),
        ),
      );
    } catch (err) {
      const code = errorCode(err instanceof AttemptsFailed ? err.lastError : err);
      if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') return false;
      throw this.toStorageError('ensureBucket', undefined, err);
    }
    return true;
  }

  /**
   * hyparquet's AsyncBuffer over one object: one HEAD for the size, then one ranged GET per
   * slice. The counter (shared or fresh) records bytes and requests, HEAD included.
   */
  async asyncBuffer(
    key: string,
    counter: TransferCounter = new TransferCounter(),
  ): Promise<CountingAsyncBuffer> {
    const head = await this.head(key);
    counter.record(0);
    if (!head) throw new ObjectNotFound('head', this.bucket, key);
    const byteLength = head.size;
    return {
      key,
      counter,
      byteLength,
      slice: async (start: number, end?: number): Promise<ArrayBuffer> => {
        const [from, to] = resolveSlice(byteLength, start, end);
        const bytes = await this.rangeRead(key, from, to, counter);
        return toArrayBuffer(bytes);
      },
    };
  }

  private async rangeRead(
    key: string,
    start: number,
    endExclusive: number,
    counter: TransferCounter | undefined,
  ): Promise<Uint8Array> {
    assertKey(key);
    if (
      !Number.isSafeInteger(start) ||
      !Number.isSafeInteger(endExclusive) ||
      start < 0 ||
      endExclusive < start
    ) {
      throw new RangeError(`invalid byte range [${start}, ${endExclusive}) for s3://${this.bucket}/${key}`);
    }
    if (endExclusive === start) return new Uint8Array(0);
    return this.run('getRange', key, async () => {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${endExclusive - 1}` }),
      );
      const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
      counter?.record(bytes.byteLength);
      return exactRange(bytes, out.ContentRange, start, endExclusive);
    });
  }

  private async run<T>(
    operation: StorageOperation,
    key: string | undefined,
    attempt: () => Promise<T>,
  ): Promise<T> {
    try {
      return await withRetry(this.config.retry, attempt);
    } catch (err) {
      throw this.toStorageError(operation, key, err);
    }
  }

  private toStorageError(operation: StorageOperation, key: string | undefined, err: unknown): StorageError {
    const attempts = err instanceof AttemptsFailed ? err.attempts : sdkAttempts(err);
    const cause = err instanceof AttemptsFailed ? err.lastError : err;
    const code = errorCode(cause);
    const notFound = code === 'NoSuchKey' || (code === 'NotFound' && httpStatusOf(cause) === 404);
    if (notFound && key !== undefined && operation !== 'list') {
      return new ObjectNotFound(operation, this.bucket, key, { cause });
    }
    return new StorageError(operation, this.bucket, key, code, attempts, { cause });
  }
}

function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.startsWith('/')) {
    throw new TypeError(
      `invalid object key ${JSON.stringify(key)}: use a non-empty key without a leading '/'`,
    );
  }
}

/** ArrayBuffer.prototype.slice semantics (negative = from the end), clamped to the object. */
function resolveSlice(length: number, start: number, end: number | undefined): [number, number] {
  const clamp = (i: number) => Math.min(length, Math.max(0, i < 0 ? length + i : i));
  const from = clamp(Math.trunc(start));
  const to = end === undefined ? length : clamp(Math.trunc(end));
  return [from, Math.max(from, to)];
}

/**
 * HTTP lets a server answer a Range request with more than was asked (a 200 with the whole
 * body), and s3rver 3.7.1 does so for `bytes=0-0`. Cut the answer down to the requested bytes,
 * locating them by the Content-Range start when there is one.
 */
function exactRange(
  bytes: Uint8Array,
  contentRange: string | undefined,
  start: number,
  endExclusive: number,
) {
  const wanted = endExclusive - start;
  if (bytes.byteLength <= wanted) return bytes;
  const servedFrom = Number(/^bytes (\d+)-/.exec(contentRange ?? '')?.[1] ?? 0);
  const offset = start - servedFrom;
  return bytes.subarray(offset, offset + wanted);
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return (whole ? bytes.buffer : bytes.slice().buffer) as ArrayBuffer;
}

function sdkAttempts(err: unknown): number {
  const attempts = (err as { $metadata?: { attempts?: number } } | null)?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 0 ? attempts : 1;
}
