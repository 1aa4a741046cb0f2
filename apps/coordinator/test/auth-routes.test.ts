/**
 * Every route of the coordinator, found from the app's Express router (not a list written
 * here), called with no key, a key of each role and a revoked key: 401 without a valid key,
 * 403 with a role the route does not admit, 2xx otherwise. EXPECTED says who each route is for;
 * a route the app serves that EXPECTED does not name fails the test, so a new route cannot go
 * out without someone deciding its access. Bull Board (middleware, not a route) and the
 * metrics key are checked after the walk.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { ObjectStore } from '@holterflow/storage';
import { keys } from '@holterflow/contracts';
import { connectTestRedis, type TestRedis } from '../../../test/support/redis.js';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';
import { ingestFixtures, saveSeedModel } from '../../../test/support/run-fixtures.js';
import { jsonClient, type Json } from '../../../test/support/http.js';
import { startTestCoordinator, TEST_ADMIN_KEY } from '../../../test/support/coordinator.js';
import { appRoutes, type AppRoute } from '../../../test/support/routes.js';
import { putReportedRun } from '../../../test/support/report-run.js';
import { chromiumMissing } from '../../../test/support/chromium.js';

type Caller = 'none' | 'revoked' | 'admin' | 'operator' | 'analyst';
const CALLERS: readonly Caller[] = ['none', 'revoked', 'admin', 'operator', 'analyst'];
const PUBLIC = 'public' as const;

/** Who may call each route: the access design, stated once for the test to hold the app to. */
const EXPECTED: Record<string, typeof PUBLIC | readonly Caller[]> = {
  'GET /health': PUBLIC,
  'GET /metrics': PUBLIC, // open unless HOLTERFLOW_METRICS_KEY is set (checked below)
  'POST /ingest': ['admin', 'operator'],
  'GET /ingest/:jobId': ['admin', 'operator'],
  'POST /runs': ['admin', 'operator'],
  'GET /runs': ['admin', 'operator', 'analyst'],
  'GET /runs/:runId': ['admin', 'operator', 'analyst'],
  'GET /runs/:runId/records': ['admin', 'operator', 'analyst'],
  'POST /runs/:runId/cancel': ['admin', 'operator'],
  'POST /runs/:runId/retry-failed': ['admin', 'operator'],
  'GET /runs/:runId/summary.csv': ['admin', 'analyst'],
  'GET /runs/:runId/records/:recordId/summary': ['admin', 'analyst'],
  'GET /runs/:runId/records/:recordId/report': ['admin', 'analyst'],
  'GET /runs/:runId/records/:recordId/beats': ['admin', 'analyst'],
  'GET /runs/:runId/summary.parquet': ['admin', 'analyst'],
  'GET /runs/:runId/records/:recordId/report.pdf': ['admin', 'analyst'],
  'GET /runs/:runId/records/:recordId/signal': ['admin', 'analyst'],
  // Sign-in takes the key in its body; "who am I" answers { signedIn: false } without one.
  'POST /session': PUBLIC,
  'GET /session': PUBLIC,
  'DELETE /session': ['admin', 'operator', 'analyst'],
  'GET /models': ['admin', 'operator', 'analyst'],
  'PUT /models/default': ['admin'],
  'GET /admin/workers': ['admin'],
  'PUT /admin/workers/concurrency': ['admin'],
  'GET /queues': ['admin'],
  'POST /queues/:name/pause': ['admin'],
  'POST /queues/:name/resume': ['admin'],
  'POST /queues/:name/drain': ['admin'],
  'POST /queues/:name/retry-failed': ['admin'],
  'POST /queues/:name/clean-failed': ['admin'],
  'GET /admin/keys': ['admin'],
  'POST /admin/keys': ['admin'],
  'POST /admin/keys/:keyId/revoke': ['admin'],
  'POST /training': ['admin', 'operator'],
  'GET /training': ['admin', 'operator'],
  'GET /training/:version': ['admin', 'operator'],
  'POST /training/:version/cancel': ['admin', 'operator'],
};
/** On a host without Chromium the report PDF route answers 503 to the callers it admits. */
const NO_CHROMIUM = chromiumMissing();
const orPdf503 = (route: string, expected: string) =>
  expected === '2xx' && route.endsWith('/report.pdf') && NO_CHROMIUM ? '503' : expected;

/** The OpenAPI UI and document (served by @nestjs/swagger, no data): open to everyone. */
const isDocs = (r: AppRoute) =>
  r.path === '/docs' || r.path.startsWith('/docs/') || r.path.startsWith('/docs-');

let redis: TestRedis;
let s3: S3rverHandle;
let store: ObjectStore;
let app: INestApplication;
let base: string;
const keyOf: Partial<Record<Caller, string>> = {};
let runId: string;
let ingestJobId: string;
/** POST /training checks only that the dataset exists: no train worker takes the jobs. */
const DATASET_KEY = 'datasets/route-walk.parquet';
/** A run with a summarized record and a summary.csv, for the analyst download routes. */
const REPORTED_RUN = 'route-walk-reported';

const admin = jsonClient(() => base);

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  store = new ObjectStore(s3.config);
  await ingestFixtures(store, 'mitdb', ['100']);
  await saveSeedModel(store, 'seed-1');
  await store.put('raw/night1.edf', new Uint8Array(256)); // POST /ingest checks only that it exists
  await putReportedRun(store, s3.config.bucket, REPORTED_RUN);
  await store.put(keys.runSummaryCsv(REPORTED_RUN), 'record_id,status\n208,complete\n');
  await store.put(keys.runSummaryParquet(REPORTED_RUN), new Uint8Array([80, 65, 82, 49]));
  await store.put(DATASET_KEY, new Uint8Array(64));
  ({ app, base } = await startTestCoordinator(redis, s3));
  // Keys made the way an admin makes them: over the API with the bootstrap key.
  for (const role of ['admin', 'operator', 'analyst'] as const) {
    const created = await admin('POST', '/admin/keys', { role, name: `route-walk ${role}` });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    keyOf[role] = created.json.key;
  }
  const doomed = await admin('POST', '/admin/keys', { role: 'admin', name: 'revoked' });
  keyOf.revoked = doomed.json.key;
  assert.equal((await admin('POST', `/admin/keys/${doomed.json.info.id}/revoke`)).status, 200);

  const run = await admin('POST', '/runs', { prefix: 'mitdb', model: 'seed-1' });
  assert.equal(run.status, 202, JSON.stringify(run.json));
  runId = run.json.runId;
  const ingest = await admin('POST', '/ingest', {
    to: 'recordings',
    records: [{ source: { format: 'edf', file: 'raw/night1.edf' } }],
  });
  ingestJobId = ingest.json.jobs[0].jobId;
});

const trainingBody = (version: string) => ({ dataKey: DATASET_KEY, protocol: 'intra', version, epochs: 2 });
const freshVersion = () => `walk-${Math.random().toString(36).slice(2, 10)}`;

after(async () => {
  await app?.close();
  store?.destroy();
  await s3?.stop();
  await redis?.cleanup();
});

/** A request that succeeds for an admitted caller (fresh where the route changes something). */
async function exampleOf(route: string): Promise<{ path: string; body?: unknown }> {
  switch (route) {
    case 'POST /ingest':
      return {
        path: '/ingest',
        body: { to: 'recordings', records: [{ source: { format: 'edf', file: 'raw/night1.edf' } }] },
      };
    case 'GET /ingest/:jobId':
      return { path: `/ingest/${encodeURIComponent(ingestJobId)}` };
    case 'POST /runs':
      return { path: '/runs', body: { prefix: 'mitdb', model: 'seed-1' } };
    case 'PUT /admin/workers/concurrency':
      return { path: '/admin/workers/concurrency', body: { role: 'summarize', concurrency: 2 } };
    case 'POST /queues/:name/pause':
    case 'POST /queues/:name/resume':
    case 'POST /queues/:name/drain':
    case 'POST /queues/:name/retry-failed':
    case 'POST /queues/:name/clean-failed':
      return { path: route.split(' ')[1].replace(':name', 'train') };
    case 'POST /training':
      // A version of its own per call: a second submit of one version is a 409.
      return { path: '/training', body: trainingBody(freshVersion()) };
    case 'GET /training/:version':
    case 'POST /training/:version/cancel': {
      // A job of its own per call, waiting (no train worker runs here): the queue walk drains `train`.
      const version = freshVersion();
      const submitted = await admin('POST', '/training', trainingBody(version));
      assert.equal(submitted.status, 202, JSON.stringify(submitted.json));
      return {
        path: route.split(' ')[1].replace(':version', version),
        body: route.startsWith('POST') ? { timeoutSeconds: 0 } : undefined,
      };
    }
    case 'PUT /models/default':
      return { path: '/models/default', body: { version: 'seed-1' } };
    case 'POST /admin/keys':
      return { path: '/admin/keys', body: { role: 'analyst' } };
    case 'POST /admin/keys/:keyId/revoke': {
      const throwaway = await admin('POST', '/admin/keys', { role: 'analyst' });
      return { path: `/admin/keys/${throwaway.json.info.id}/revoke` };
    }
    case 'POST /runs/:runId/cancel':
    case 'POST /runs/:runId/retry-failed': {
      // Each call gets its own run (a run id of its own) so cancel and retry have something to act on.
      const own = await admin('POST', '/runs', {
        prefix: 'mitdb',
        model: 'seed-1',
        runId: `walk-${Math.random().toString(36).slice(2, 10)}`,
      });
      return { path: route.split(' ')[1].replace(':runId', own.json.runId) };
    }
    case 'POST /session':
      return { path: '/session', body: { key: keyOf.analyst } };
    case 'GET /runs/:runId/records/:recordId/signal':
      // The planned run over mitdb/100: the signal needs only the recording, not results.
      return { path: `/runs/${runId}/records/100/signal?start=0&end=10` };
    case 'GET /runs/:runId/summary.parquet':
    case 'GET /runs/:runId/records/:recordId/report.pdf':
    case 'GET /runs/:runId/summary.csv':
    case 'GET /runs/:runId/records/:recordId/summary':
    case 'GET /runs/:runId/records/:recordId/report':
    case 'GET /runs/:runId/records/:recordId/beats':
      return { path: route.split(' ')[1].replace(':runId', REPORTED_RUN).replace(':recordId', '208') };
    default:
      return { path: route.split(' ')[1].replace(':runId', runId) };
  }
}

test('every route answers 401 without a valid key, 403 to a role it does not admit, 2xx to the rest', async () => {
  const routes = appRoutes(app);
  const named = routes.filter((r) => !isDocs(r)).map((r) => `${r.method} ${r.path}`);
  assert.ok(named.length >= 16, `found ${named.length} routes`);
  assert.deepEqual(
    named.filter((r) => !(r in EXPECTED)),
    [],
    'routes the app serves whose access this test does not state: add them to EXPECTED',
  );
  assert.deepEqual(
    Object.keys(EXPECTED).filter((r) => !named.includes(r)),
    [],
    'EXPECTED names routes the app does not serve',
  );

  const table: string[] = [];
  for (const route of named) {
    const [method] = route.split(' ') as [AppRoute['method']];
    const admits = EXPECTED[route];
    for (const caller of CALLERS) {
      const { path, body } = await exampleOf(route);
      const http = jsonClient(() => base, caller === 'none' ? null : keyOf[caller]!);
      const res = await http(method, path, body);
      const expected = orPdf503(
        route,
        admits === PUBLIC
          ? '2xx'
          : caller === 'none' || caller === 'revoked'
            ? '401'
            : admits.includes(caller)
              ? '2xx'
              : '403',
      );
      const got = res.status >= 200 && res.status < 300 ? '2xx' : String(res.status);
      table.push(`${route.padEnd(34)} ${caller.padEnd(8)} ${res.status}`);
      assert.equal(got, expected, `${route} as ${caller}: ${res.status} ${JSON.stringify(res.json as Json)}`);
      if (expected === '401') assert.match(String(res.json.message), /API key/);
      if (expected === '403') assert.match(String(res.json.message), new RegExp(`has the role ${caller}`));
    }
  }
  assert.equal(table.length, named.length * CALLERS.length);

  // Swagger's own routes (some answer 404 for files the UI does not ship): never behind a key.
  for (const route of routes.filter(isDocs)) {
    const res = await fetch(base + route.path);
    assert.ok(![401, 403].includes(res.status) && res.status < 500, `${route.path} (OpenAPI): ${res.status}`);
  }
});

/** A signed-in console session of `role`: the cookie POST /session sets for its key. */
async function sessionCookie(role: 'admin' | 'operator' | 'analyst'): Promise<string> {
  const res = await fetch(`${base}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: keyOf[role] }),
  });
  assert.equal(res.status, 200);
  const setCookie = res.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  return setCookie.split(';')[0];
}

async function withCookie(method: AppRoute['method'], path: string, body: unknown, cookie: string) {
  const res = await fetch(base + path, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

test("a console session cookie meets every route's rule as the key it stands for; an ended one is a 401", async () => {
  const named = appRoutes(app)
    .filter((r) => !isDocs(r))
    .map((r) => `${r.method} ${r.path}`);
  const cookies = {
    admin: await sessionCookie('admin'),
    operator: await sessionCookie('operator'),
    analyst: await sessionCookie('analyst'),
    ended: await sessionCookie('analyst'),
  };
  assert.equal((await withCookie('DELETE', '/session', undefined, cookies.ended)).status, 204);
  let calls = 0;
  for (const route of named) {
    const [method] = route.split(' ') as [AppRoute['method']];
    const admits = EXPECTED[route];
    for (const caller of ['admin', 'operator', 'analyst', 'ended'] as const) {
      const { path, body } = await exampleOf(route);
      // Signing out ends the session it is called with: use a throwaway one of the same role.
      const cookie =
        route === 'DELETE /session' && caller !== 'ended' ? await sessionCookie(caller) : cookies[caller];
      const res = await withCookie(method, path, body, cookie);
      const expected = orPdf503(
        route,
        admits === PUBLIC ? '2xx' : caller === 'ended' ? '401' : admits.includes(caller) ? '2xx' : '403',
      );
      const got = res.status >= 200 && res.status < 300 ? '2xx' : String(res.status);
      assert.equal(
        got,
        expected,
        `${route} with a ${caller} session: ${res.status} ${JSON.stringify(res.json)}`,
      );
      if (expected === '401') assert.match(String(res.json.message), /session has ended/);
      if (expected === '403') assert.match(String(res.json.message), new RegExp(`has the role ${caller}`));
      calls++;
    }
  }
  assert.equal(calls, named.length * 4);
  // GET /session names the session's role and when it ends.
  const who = await withCookie('GET', '/session', undefined, cookies.operator);
  assert.equal(who.json.role, 'operator');
  assert.ok(Date.parse(who.json.expiresAt) > Date.now());
});

test('a key revoked through the API stops working at once; the bootstrap key and a created admin key both work', async () => {
  const created = await admin('POST', '/admin/keys', { role: 'operator', name: 'short-lived' });
  const asIt = jsonClient(() => base, created.json.key);
  assert.equal((await asIt('GET', '/runs')).status, 200);
  const revoked = await admin('POST', `/admin/keys/${created.json.info.id}/revoke`);
  assert.equal(revoked.status, 200);
  assert.match(revoked.json.revokedAt, /^\d{4}-\d\d-\d\dT/);
  assert.equal((await asIt('GET', '/runs')).status, 401);
  const listed = await admin('GET', '/admin/keys');
  const entry = listed.json.keys.find((k: Json) => k.id === created.json.info.id);
  assert.equal(entry.name, 'short-lived');
  assert.ok(entry.revokedAt);
  assert.ok(
    listed.json.keys.every((k: Json) => !('secretHash' in k) && !('key' in k)),
    'no secret in a listing',
  );
  assert.equal((await jsonClient(() => base, TEST_ADMIN_KEY)('GET', '/admin/workers')).status, 200);
  assert.equal((await jsonClient(() => base, keyOf.admin!)('GET', '/admin/workers')).status, 200);
  assert.equal((await admin('POST', '/admin/keys/0123456789ab/revoke')).status, 404);
});

test('keys are stored hashed in S3: the object holds the SHA-256 of the secret, never the key', async () => {
  const created = await admin('POST', '/admin/keys', { role: 'analyst' });
  const text = await store.getText(`auth/api-keys/${created.json.info.id}.json`);
  // Everything after hf_<id>_: the base64url secret may hold '_' itself.
  const secret = String(created.json.key).slice(`hf_${created.json.info.id}_`.length);
  assert.equal(secret.length, 43);
  assert.ok(!text.includes(secret), 'the secret is not in the stored object');
  assert.match(JSON.parse(text).secretHash, /^[0-9a-f]{64}$/);
});

test('Bull Board: 401 with a Basic challenge, 403 for an operator key, the page for an admin key', async () => {
  const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`x:${key}`).toString('base64')}` });
  const none = await fetch(`${base}/admin/queues`);
  assert.equal(none.status, 401);
  assert.match(none.headers.get('www-authenticate') ?? '', /^Basic /);
  assert.equal((await fetch(`${base}/admin/queues`, { headers: basic(keyOf.revoked!) })).status, 401);
  assert.equal((await fetch(`${base}/admin/queues`, { headers: basic(keyOf.operator!) })).status, 403);
  assert.equal(
    (await fetch(`${base}/admin/queues/api/queues`, { headers: basic(keyOf.analyst!) })).status,
    403,
  );
  assert.equal((await fetch(`${base}/admin/queues`, { headers: basic(keyOf.admin!) })).status, 200);
});

test('with HOLTERFLOW_METRICS_KEY set, /metrics wants that key (API keys do not open it), /health stays open', async () => {
  const metricsKey = 'metrics-scrape-key-0123456789abcdefghij';
  const second = await startTestCoordinator(redis, s3, {
    auth: { bootstrapAdminKey: TEST_ADMIN_KEY, metricsKey },
  });
  try {
    const none = await fetch(`${second.base}/metrics`);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    const asAdmin = await fetch(`${second.base}/metrics`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    });
    assert.equal(asAdmin.status, 401);
    const scraped = await fetch(`${second.base}/metrics`, {
      headers: { authorization: `Bearer ${metricsKey}` },
    });
    assert.equal(scraped.status, 200);
    assert.match(await scraped.text(), /holterflow_queue_jobs/);
    assert.equal((await fetch(`${second.base}/health`)).status, 200);
  } finally {
    await second.app.close();
  }
});
