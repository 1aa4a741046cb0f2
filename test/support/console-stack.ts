/**
 * A whole HolterFlow behind the web console for browser tests and the console benchmark: real
 * Redis (the test's own prefix), s3rver over HTTP, the coordinator in this process (serving the
 * built console at /), one worker process, MIT-BIH fixtures ingested and the shipped model (or a
 * seeded untrained CNN on a fresh clone without models/) as the default.
 */
import type { INestApplication } from '@nestjs/common';
import { ObjectStore, storageEnvOf } from '@holterflow/storage';
import { startTestCoordinator, TEST_ADMIN_KEY } from './coordinator.js';
import { jsonClient } from './http.js';
import { connectTestRedis, type TestRedis } from './redis.js';
import { ingestFixtures, putDefaultModel } from './run-fixtures.js';
import { startS3rver, type S3rverHandle } from './s3rver.js';
import { shippedModel } from './shipped-model.js';
import { spawnWorkerProcess, type WorkerProcess } from './worker-process.js';

export interface ConsoleStack {
  redis: TestRedis;
  s3: S3rverHandle;
  store: ObjectStore;
  app: INestApplication;
  base: string;
  worker: WorkerProcess;
  model: string;
  /** One API key per role, made over the API with the bootstrap admin key. */
  keys: Record<'admin' | 'operator' | 'analyst', string>;
  /** A JSON call with the bootstrap admin key. */
  api: ReturnType<typeof jsonClient>;
  /** A plain fetch of `path` with the bootstrap admin key, or `key`. */
  fetch(path: string, options?: { key?: string }): Promise<Response>;
  /** Wait for a run to reach `completed` (throws with the worker's log on a timeout or exit). */
  finished(runId: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startConsoleStack(
  testFile: string,
  fixtures: { prefix: string; records: string[] }[],
): Promise<ConsoleStack> {
  const redis = await connectTestRedis(testFile);
  const s3 = await startS3rver();
  const store = new ObjectStore(s3.config);
  for (const f of fixtures) await ingestFixtures(store, f.prefix, f.records);
  const model = await putDefaultModel(store, shippedModel());
  const { app, base } = await startTestCoordinator(redis, s3);
  const worker = spawnWorkerProcess({ ...storageEnvOf(s3.config), ...redis.env });
  const api = jsonClient(() => base);
  const roleKeys = {} as ConsoleStack['keys'];
  for (const role of ['admin', 'operator', 'analyst'] as const) {
    const created = await api('POST', '/admin/keys', { role, name: `console ${role}` });
    if (created.status !== 201)
      throw new Error(`POST /admin/keys: ${created.status} ${JSON.stringify(created.json)}`);
    roleKeys[role] = created.json.key;
  }
  const stack: ConsoleStack = {
    redis,
    s3,
    store,
    app,
    base,
    worker,
    model,
    keys: roleKeys,
    api,
    fetch: (path, options = {}) =>
      fetch(base + path, { headers: { authorization: `Bearer ${options.key ?? TEST_ADMIN_KEY}` } }),
    async finished(runId, timeoutMs = 300_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { json: status } = await api('GET', `/runs/${runId}`);
        if (status.state === 'completed') return;
        if (worker.child.exitCode !== null)
          throw new Error(`the worker exited (${worker.child.exitCode}):\n${worker.log.slice(-4000)}`);
        if (Date.now() > deadline)
          throw new Error(`run ${runId} did not complete (${status.state}):\n${worker.log.slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async stop() {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await app.close();
      store.destroy();
      await s3.stop();
      await redis.cleanup();
    },
  };
  return stack;
}
