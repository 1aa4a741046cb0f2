/**
 * Console sessions against real Redis and s3rver: sign-in sets an httpOnly, SameSite=Strict
 * cookie (Secure behind TLS); a wrong key gets none; the session expires with its TTL, ends on
 * sign-out and when its key is revoked; a change made with the cookie from another origin is
 * refused; Redis holds the id's hash, never the id.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { connectTestRedis, type TestRedis } from '../../../test/support/redis.js';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';
import { startTestCoordinator, TEST_ADMIN_KEY } from '../../../test/support/coordinator.js';
import { jsonClient } from '../../../test/support/http.js';

const TTL_SECONDS = 2;

let redis: TestRedis;
let s3: S3rverHandle;
let app: INestApplication;
let base: string;
const admin = jsonClient(() => base);

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  ({ app, base } = await startTestCoordinator(redis, s3, {
    auth: { bootstrapAdminKey: TEST_ADMIN_KEY, sessionTtlSeconds: TTL_SECONDS },
  }));
});

after(async () => {
  await app?.close();
  await s3?.stop();
  await redis?.cleanup();
});

async function newKey(role: 'admin' | 'operator' | 'analyst'): Promise<{ key: string; id: string }> {
  const { status, json } = await admin('POST', '/admin/keys', { role });
  assert.equal(status, 201);
  return { key: json.key, id: json.info.id };
}

async function signIn(key: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ key }),
  });
  const setCookie = res.headers.get('set-cookie');
  return {
    res,
    setCookie,
    cookie: setCookie?.split(';')[0] ?? '',
    body: (await res.json()) as Record<string, unknown>,
  };
}

const get = (path: string, cookie: string) => fetch(base + path, { headers: { cookie } });

test('sign-in: an httpOnly SameSite=Strict cookie for the key, Secure behind TLS; a bad key gets a 401 and no cookie', async () => {
  const { key, id } = await newKey('analyst');
  const { res, setCookie, body } = await signIn(key);
  assert.equal(res.status, 200);
  assert.match(
    setCookie ?? '',
    /^hf_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=2$/,
  );
  assert.equal(body.keyId, id);
  assert.equal(body.role, 'analyst');
  assert.ok(Math.abs(Date.parse(String(body.expiresAt)) - (Date.now() + TTL_SECONDS * 1000)) < 1500);
  const tls = await signIn(key, { 'x-forwarded-proto': 'https' });
  assert.match(tls.setCookie ?? '', /; Secure$/);

  const wrong = await signIn(`${key.slice(0, -2)}xx`);
  assert.equal(wrong.res.status, 401);
  assert.equal(wrong.setCookie, null);
  assert.match(String(wrong.body.message), /unknown or revoked/);
  const missing = await fetch(`${base}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(missing.status, 400);
  assert.match(JSON.stringify(await missing.json()), /"field":"key"/);
});

test('Redis keeps the hash of the session id, with the TTL; the session ends when it expires', async () => {
  const { key } = await newKey('operator');
  const { cookie } = await signIn(key);
  const id = cookie.split('=')[1];
  const stored = await redis.redis.keys(`${redis.prefix}:holterflow:session:*`);
  assert.ok(stored.length >= 1);
  for (const k of stored) assert.ok(!k.includes(id), 'the session id itself is in a Redis key');
  const values = await Promise.all(stored.map((k) => redis.redis.get(k)));
  assert.ok(
    values.every((v) => !v!.includes(id) && !v!.includes(key)),
    'a Redis value holds the id or the key',
  );
  assert.equal((await get('/runs', cookie)).status, 200);
  const who = (await (await get('/session', cookie)).json()) as { signedIn: boolean; role: string };
  assert.deepEqual([who.signedIn, who.role], [true, 'operator']);
  await new Promise((r) => setTimeout(r, TTL_SECONDS * 1000 + 300));
  const expired = await get('/runs', cookie);
  assert.equal(expired.status, 401);
  assert.match(((await expired.json()) as { message: string }).message, /session has ended/);
  const whoAfter = (await (await get('/session', cookie)).json()) as { signedIn: boolean };
  assert.equal(whoAfter.signedIn, false);
});

test('sign-out ends the session at once and clears the cookie; revoking the key ends its sessions', async () => {
  const analyst = await newKey('analyst');
  const a = await signIn(analyst.key);
  const out = await fetch(`${base}/session`, { method: 'DELETE', headers: { cookie: a.cookie } });
  assert.equal(out.status, 204);
  assert.match(out.headers.get('set-cookie') ?? '', /^hf_session=; .*Max-Age=0/);
  assert.equal((await get('/runs', a.cookie)).status, 401);

  const operator = await newKey('operator');
  const b = await signIn(operator.key);
  assert.equal((await get('/runs', b.cookie)).status, 200);
  assert.equal((await admin('POST', `/admin/keys/${operator.id}/revoke`)).status, 200);
  assert.equal((await get('/runs', b.cookie)).status, 401);
});

test('a change made with the cookie from another origin is refused; from the console itself it goes through', async () => {
  const { key } = await newKey('admin');
  const { cookie } = await signIn(key);
  const change = (headers: Record<string, string>) =>
    fetch(`${base}/queues/train/pause`, { method: 'POST', headers: { cookie, ...headers } });
  const foreign = await change({ origin: 'https://evil.example' });
  assert.equal(foreign.status, 403);
  assert.match(((await foreign.json()) as { message: string }).message, /from the console itself/);
  assert.equal((await change({ 'sec-fetch-site': 'cross-site' })).status, 403);
  assert.equal((await change({ origin: base, 'sec-fetch-site': 'same-origin' })).status, 200);
  assert.equal(
    (await fetch(`${base}/queues/train/resume`, { method: 'POST', headers: { cookie } })).status,
    200,
  );
  // A key in a header is not a browser's ambient credential: no origin check.
  const bearer = await fetch(`${base}/queues/train/resume`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, origin: 'https://elsewhere.example' },
  });
  assert.equal(bearer.status, 200);
});
