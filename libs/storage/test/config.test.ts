import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storageConfigFromEnv, storageEnvOf } from '@holterflow/storage';

describe('storageConfigFromEnv', () => {
  it('with no variables points at the local stack (holterflow stack up)', () => {
    const c = storageConfigFromEnv({});
    assert.equal(c.endpoint, 'http://127.0.0.1:9000');
    assert.equal(c.bucket, 'holterflow');
    assert.equal(c.region, 'us-east-1');
    assert.equal(c.forcePathStyle, true);
    assert.deepEqual(c.credentials, { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
  });

  it('reads a MinIO endpoint and keys, path-style', () => {
    const c = storageConfigFromEnv({
      HOLTERFLOW_S3_ENDPOINT: 'http://minio:9000',
      HOLTERFLOW_S3_BUCKET: 'archive',
      HOLTERFLOW_S3_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'minio',
      AWS_SECRET_ACCESS_KEY: 'minio-secret',
    });
    assert.deepEqual(
      {
        endpoint: c.endpoint,
        bucket: c.bucket,
        region: c.region,
        path: c.forcePathStyle,
        creds: c.credentials,
      },
      {
        endpoint: 'http://minio:9000',
        bucket: 'archive',
        region: 'eu-west-1',
        path: true,
        creds: { accessKeyId: 'minio', secretAccessKey: 'minio-secret' },
      },
    );
  });

  it('HOLTERFLOW_S3_ENDPOINT=aws uses AWS itself: no endpoint, virtual-hosted, SDK credential chain', () => {
    const c = storageConfigFromEnv({ HOLTERFLOW_S3_ENDPOINT: 'aws', HOLTERFLOW_S3_BUCKET: 'lab-archive' });
    assert.equal(c.endpoint, undefined);
    assert.equal(c.forcePathStyle, false);
    assert.equal(c.credentials, undefined);
    assert.deepEqual(storageConfigFromEnv(storageEnvOf(c)), c);
  });

  it('rejects half a key pair and an endpoint that is not a URL', () => {
    assert.throws(
      () => storageConfigFromEnv({ AWS_ACCESS_KEY_ID: 'x' }),
      /both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
    assert.throws(() => storageConfigFromEnv({ HOLTERFLOW_S3_ENDPOINT: 'minio:9000' }), /is not a URL/);
  });
});
