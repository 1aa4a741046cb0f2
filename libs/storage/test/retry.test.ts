/**
 * Retry behaviour. The S3 side is a FAKED BOUNDARY: a tiny local HTTP server that scripts the
 * failures a real S3 produces under load (503 SlowDown, 500, dropped connections), which s3rver
 * cannot be made to produce. Our own code (ObjectStore, retry.ts) runs unmodified against it.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ObjectNotFound, ObjectStore, StorageError, type StorageConfig } from '@holterflow/storage';
import { backoffDelayMs, isRetryable } from '../src/retry.js';

type Reply = (req: IncomingMessage, res: ServerResponse) => void;

const s3Error =
  (status: number, code: string): Reply =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>scripted</Message></Error>`,
    );
  };
const ok: Reply = (req, res) => {
  if (req.method === 'HEAD') {
    res.writeHead(200, { 'content-length': '5', etag: '"abc"', 'last-modified': new Date(0).toUTCString() });
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '5', etag: '"abc"' });
  res.end('hello');
};
const dropConnection: Reply = (req) => req.socket.destroy();

let server: Server;
let script: Reply[] = [];
let requests: string[] = [];
let config: StorageConfig;

before(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => (script.shift() ?? ok)(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  config = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    bucket: 'flaky',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
  };
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  script = [];
  requests = [];
});

describe('ObjectStore retries', () => {
  it('succeeds after 503 twice: three requests, the right bytes', async () => {
    script = [s3Error(503, 'SlowDown'), s3Error(503, 'ServiceUnavailable')];
    const store = new ObjectStore(config);
    try {
      assert.equal(new TextDecoder().decode(await store.get('rec/100.parquet')), 'hello');
      assert.deepEqual(requests, Array(3).fill('GET /flaky/rec/100.parquet?x-id=GetObject'));
    } finally {
      store.destroy();
    }
  });

  it('retries 429, 500 and a dropped connection', async () => {
    script = [s3Error(429, 'TooManyRequests'), s3Error(500, 'InternalError'), dropConnection];
    const store = new ObjectStore(config);
    try {
      assert.equal((await store.head('rec/100.parquet'))?.size, 5);
      assert.equal(requests.length, 4);
    } finally {
      store.destroy();
    }
  });

  it('does not retry NoSuchKey or AccessDenied', async () => {
    const store = new ObjectStore(config);
    try {
      script = [s3Error(404, 'NoSuchKey')];
      await assert.rejects(store.get('rec/missing.parquet'), ObjectNotFound);
      assert.equal(requests.length, 1);
      script = [s3Error(403, 'AccessDenied')];
      await assert.rejects(store.get('rec/secret.parquet'), (err: unknown) => {
        assert.ok(err instanceof StorageError);
        assert.equal(err.code, 'AccessDenied');
        assert.equal(err.attempts, 1);
        return true;
      });
      assert.equal(requests.length, 2);
    } finally {
      store.destroy();
    }
  });

  it('gives up after maxAttempts with an error naming operation, bucket, key and attempts', async () => {
    script = Array(10).fill(s3Error(503, 'SlowDown'));
    const store = new ObjectStore(config);
    try {
      await assert.rejects(store.put('runs/r1/summary.csv', 'a,b\n'), (err: unknown) => {
        assert.ok(err instanceof StorageError);
        assert.equal(err.operation, 'put');
        assert.equal(err.code, 'SlowDown');
        assert.equal(err.attempts, 4);
        assert.match(
          err.message,
          /^S3 put s3:\/\/flaky\/runs\/r1\/summary\.csv failed \(SlowDown\) after 4 attempts/,
        );
        return true;
      });
      assert.equal(requests.length, 4);
    } finally {
      store.destroy();
    }
  });
});

describe('retry policy', () => {
  it('backoff is full jitter under an exponential ceiling capped at maxDelayMs', () => {
    const policy = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => backoffDelayMs(policy, n, () => 0.999999)),
      [99, 199, 399, 799, 999],
    );
    assert.equal(
      backoffDelayMs(policy, 3, () => 0),
      0,
    );
  });

  it('classifies throttling, 5xx and network errors as retryable, 4xx as final', () => {
    assert.equal(isRetryable({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } }), true);
    assert.equal(isRetryable({ name: 'Unknown', $metadata: { httpStatusCode: 502 } }), true);
    assert.equal(isRetryable(Object.assign(new Error('reset'), { code: 'ECONNRESET' })), true);
    assert.equal(isRetryable({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }), false);
    assert.equal(isRetryable({ name: 'InvalidRange', $metadata: { httpStatusCode: 416 } }), false);
  });
});
