/** The S3 client settings our servers need, checked against a real s3rver. */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '@holterflow/storage';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';

let s3: S3rverHandle;
before(async () => {
  s3 = await startS3rver({ bucket: 'client-test' });
});
after(async () => s3?.stop());

it('a PutObject with a stream body is stored byte-exact (no aws-chunked framing)', async () => {
  // With the SDK's default checksum mode this object reads back as
  // "11\r\nhello stream body\r\n0\r\nx-amz-checksum-crc32:...": the framing stored as content.
  const client = createS3Client(s3.config, { sdkMaxAttempts: 1 });
  try {
    const body = Buffer.from('hello stream body');
    await client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: 'stream',
        Body: Readable.from([body]),
        ContentLength: body.length,
      }),
    );
    const out = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'stream' }));
    assert.equal(await out.Body?.transformToString(), 'hello stream body');
  } finally {
    client.destroy();
  }
});
