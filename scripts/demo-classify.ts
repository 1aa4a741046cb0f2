/**
 * The classification half of `npm run demo`: the ingested fixtures through the whole pipeline —
 * a coordinator in this process (free port), one worker process with the classify, summarize and
 * finalize roles, POST /runs with the shipped model — then each record's class counts and where
 * the outputs are. The shipped model is `models/DEFAULT` of the repo (a version name) with its
 * files in `models/<version>/`; it is copied to the bucket and made the bucket's default.
 * HOLTERFLOW_MODELS_DIR points at another models directory of the same layout.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { keys, queueEnvFromEnv } from '@holterflow/contracts';
import { objectModelStore, setDefaultModelVersion } from '@holterflow/registry';
import { ObjectStore, storageEnvOf, type StorageConfig } from '@holterflow/storage';
import { createCoordinator } from '../apps/coordinator/src/app.js';
import { CoordinatorClient } from '../apps/cli/src/runs/coordinator-client.js';
import { formatRecords, formatStatus } from '../apps/cli/src/runs/format.js';
import { waitForRun } from '../apps/cli/src/runs/wait.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MODELS_DIR = process.env.HOLTERFLOW_MODELS_DIR?.trim() || join(ROOT, 'models');
const MODEL_FILES = ['model.json', 'weights.bin'];

/** The repo's shipped model: models/DEFAULT, else the only models/<version>/ there is. */
export function shippedModelVersion(): string | undefined {
  const dir = MODELS_DIR;
  const pointer = join(dir, 'DEFAULT');
  if (existsSync(pointer)) return readFileSync(pointer, 'utf8').trim();
  if (!existsSync(dir)) return undefined;
  const versions = readdirSync(dir).filter((v) => existsSync(join(dir, v, 'model.json')));
  return versions.length === 1 ? versions[0] : undefined;
}

export async function classifyDemo(storage: StorageConfig, prefix: string): Promise<number> {
  const version = shippedModelVersion();
  if (!version) {
    console.error(
      `\nno shipped model in ${MODELS_DIR} (DEFAULT or a single <version>/): classification skipped. ` +
        'Train one with `npm run holterflow -- train` and run the demo again.',
    );
    return 1;
  }
  const store = new ObjectStore(storage);
  for (const file of MODEL_FILES)
    await store.put(keys.modelFile(version, file), readFileSync(join(MODELS_DIR, version, file)));
  await setDefaultModelVersion(objectModelStore(store), version);
  store.destroy();

  const queueEnv = queueEnvFromEnv(process.env);
  // The demo's coordinator lives as long as this process: a one-off admin key, never written anywhere.
  const demoKey = randomBytes(32).toString('base64url');
  const app = await createCoordinator(
    { port: 0, ...queueEnv, storage, auth: { bootstrapAdminKey: demoKey } },
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const worker = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...storageEnvOf(storage),
      HOLTERFLOW_REDIS_URL: queueEnv.redisUrl,
      HOLTERFLOW_QUEUE_PREFIX: queueEnv.queuePrefix,
      HOLTERFLOW_ROLES: 'classify,summarize,finalize',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const client = new CoordinatorClient(base, demoKey);
    const run = await client.submit({ bucket: storage.bucket, prefix });
    console.log(
      `\nrun ${run.runId} ${run.outcome}: ${run.records} recordings, model ${run.model}; classifying...`,
    );
    let lastLine = '';
    const final = await waitForRun(client, run.runId, (p) => {
      const line = `  ${p.records.done + p.records.failed}/${p.records.total} records, ${p.beats} beats`;
      if (line !== lastLine) console.log(line);
      lastLine = line;
    });
    console.log(`\n${formatStatus(final)}\n`);
    console.log(formatRecords(final.bucket, await client.records(run.runId)));
    console.log(
      `\ndownload everything: npm run holterflow -- results ${run.runId} --out results/${run.runId}`,
    );
    return final.state === 'completed' && final.records.failed === 0 ? 0 : 1;
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    await app.close();
  }
}
