/**
 * The admin commands as an admin runs them, in a real process: `holterflow keys` straight
 * against the bucket on a host with its S3 configuration (no API key needed) and through a real
 * coordinator's /admin/keys with an admin key in HOLTERFLOW_API_KEY; `holterflow queues` and
 * `holterflow workers` through the coordinator.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { ApiKeyStore } from '@holterflow/auth';
import { ObjectStore, storageEnvOf } from '@holterflow/storage';
import { connectTestRedis, type TestRedis } from '../../../test/support/redis.js';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';
import { startTestCoordinator, TEST_ADMIN_KEY } from '../../../test/support/coordinator.js';
import { jsonClient } from '../../../test/support/http.js';
import { isolatedCliEnv } from '../../../test/support/cli-env.js';

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;
const run = promisify(execFile);
let redis: TestRedis;
let s3: S3rverHandle;
let objects: ObjectStore;
let app: INestApplication;
let base: string;

async function holterflow(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      timeout: 60_000,
      env: isolatedCliEnv({ ...storageEnvOf(s3.config), ...env }),
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)!;

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  objects = new ObjectStore(s3.config);
  ({ app, base } = await startTestCoordinator(redis, s3));
});

after(async () => {
  await app?.close();
  objects?.destroy();
  await s3?.stop();
  await redis?.cleanup();
});

test('keys create/list/revoke straight on the bucket, without an API key', async () => {
  const created = await holterflow(['keys', 'create', '--role', 'operator', '--name', 'lab-3 ingest']);
  assert.equal(created.code, 0, created.stderr);
  const key = lastLine(created.stdout);
  assert.match(key, /^hf_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
  const id = key.split('_')[1];
  assert.match(created.stdout, new RegExp(`created operator key ${id} \\(lab-3 ingest\\)`));

  // The coordinator (same bucket) accepts it for an operator route and refuses it for an admin one.
  const asOperator = jsonClient(() => base, key);
  assert.equal((await asOperator('GET', '/runs')).status, 200);
  assert.equal((await asOperator('GET', '/admin/workers')).status, 403);

  const listed = await holterflow(['keys', 'list']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`${id}\\s+operator\\s+active\\s+\\S+\\s+lab-3 ingest`));
  // The secret is everything after hf_<id>_: base64url, so it may hold '_' itself.
  const secret = key.slice(`hf_${id}_`.length);
  assert.ok(!listed.stdout.includes(secret), 'list never prints a secret');

  const revoked = await holterflow(['keys', 'revoke', id]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.match(revoked.stdout, new RegExp(`revoked operator key ${id} at \\d{4}-`));
  // A coordinator that did not revoke it may trust its cache for up to CACHE_TTL_MS; a fresh reader does not.
  assert.equal(await new ApiKeyStore(objects).verify(key), null);
  assert.match((await holterflow(['keys', 'list'])).stdout, new RegExp(`${id}\\s+operator\\s+revoked`));

  const unknown = await holterflow(['keys', 'revoke', '0123456789ab']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no API key with id "0123456789ab"/);
  const badRole = await holterflow(['keys', 'create', '--role', 'root']);
  assert.equal(badRole.code, 1);
  assert.match(badRole.stderr, /--role "root": use admin, operator, analyst/);
});

test('keys through the coordinator API with HOLTERFLOW_API_KEY (an admin key); a non-admin key is refused', async () => {
  const env = { HOLTERFLOW_API_KEY: TEST_ADMIN_KEY, HOLTERFLOW_COORDINATOR_URL: base };
  const created = await holterflow(['keys', 'create', '--role', 'analyst', '--name', 'ward 7'], env);
  assert.equal(created.code, 0, created.stderr);
  const key = lastLine(created.stdout);
  const id = key.split('_')[1];
  assert.equal((await jsonClient(() => base, key)('GET', '/models')).status, 200);
  assert.match((await holterflow(['keys', 'list'], env)).stdout, new RegExp(`${id}\\s+analyst\\s+active`));

  const asAnalyst = await holterflow(['keys', 'list'], { ...env, HOLTERFLOW_API_KEY: key });
  assert.equal(asAnalyst.code, 1);
  assert.match(asAnalyst.stderr, /needs the role admin; key [0-9a-f]{12} has the role analyst/);

  assert.equal((await holterflow(['keys', 'revoke', id], env)).code, 0);
  // Revoked through this coordinator: refused at once.
  assert.equal((await jsonClient(() => base, key)('GET', '/models')).status, 401);

  const noKey = await holterflow(['keys', 'list', '--via', 'api'], { HOLTERFLOW_COORDINATOR_URL: base });
  assert.equal(noKey.code, 1);
  assert.match(noKey.stderr, /wants an API key: set HOLTERFLOW_API_KEY/);
});

test('queues lists counts, pause/resume act on one queue, workers says none are live; an analyst key is refused', async () => {
  const env = { HOLTERFLOW_API_KEY: TEST_ADMIN_KEY, HOLTERFLOW_COORDINATOR_URL: base };
  const listed = await holterflow(['queues'], env);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^queue\s+state\s+waiting\s+active/);
  assert.match(listed.stdout, /\nclassify\s+running\s+0\s+0/);
  const paused = await holterflow(['queues', 'pause', 'train'], env);
  assert.equal(paused.code, 0, paused.stderr);
  assert.match(paused.stdout, /train: pause done\n[^]*\ntrain\s+paused/);
  assert.match((await holterflow(['queues'], env)).stdout, /\ntrain\s+paused/);
  assert.match((await holterflow(['queues', 'resume', 'train'], env)).stdout, /\ntrain\s+running/);
  const unknown = await holterflow(['queues', 'pause', 'gpu'], env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no queue "gpu"; queues: ingest, classify/);
  const workers = await holterflow(['workers'], env);
  assert.equal(workers.code, 0, workers.stderr);
  assert.match(workers.stdout, /no live workers \(a worker drops out 30 s after its last heartbeat\)/);

  const analyst = await jsonClient(() => base)('POST', '/admin/keys', { role: 'analyst' });
  const refused = await holterflow(['queues'], { ...env, HOLTERFLOW_API_KEY: analyst.json.key });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /needs the role admin; key [0-9a-f]{12} has the role analyst/);
});
