/**
 * The classification half of `npm run demo`: the ingested fixtures through the whole pipeline —
 * a coordinator in this process (free port), one worker process with the classify, summarize and
 * finalize roles, POST /runs with the shipped model — then each record's class counts and where
 * the outputs are. The shipped model is `models/DEFAULT` of the repo (a version name) with its
 * files in `models/<version>/`; the whole folder is pushed to the bucket and made its default.
 * HOLTERFLOW_MODELS_DIR points at another models directory of the same layout.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { objectModelStore, pushModelFolder, setDefaultModelVersion } from '@holterflow/registry';
import { ObjectStore, storageEnvOf, type StorageConfig } from '@holterflow/storage';
import { createCoordinator } from '../apps/coordinator/src/app.js';
import { shippedDefaultVersion, shippedModelsDir } from '../apps/cli/src/checkout.js';
import { CoordinatorClient } from '../apps/cli/src/runs/coordinator-client.js';
import { formatRecords, formatStatus } from '../apps/cli/src/runs/format.js';
import { waitForRun } from '../apps/cli/src/runs/wait.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the stack's queues are: its Redis and its own key prefix (stack.env). */
export interface DemoQueues {
  redisUrl: string;
  queuePrefix: string;
}

export async function classifyDemo(
  storage: StorageConfig,
  queues: DemoQueues,
  prefix: string,
): Promise<number> {
  const modelsDir = shippedModelsDir();
  const version = shippedDefaultVersion(modelsDir);
  if (!version) {
    console.error(
      `\nno shipped model in ${modelsDir} (DEFAULT or a single <version>/): classification skipped. ` +
        'Train one with `npx holterflow train` and run the demo again.',
    );
    return 1;
  }
  // The same upload as `holterflow models push <version> --default`: every file of the folder.
  const store = new ObjectStore(storage);
  try {
    const models = objectModelStore(store);
    await pushModelFolder(models, join(modelsDir, version), version);
    await setDefaultModelVersion(models, version);
  } finally {
    store.destroy();
  }

  // The demo's coordinator lives as long as this process: a one-off admin key, never written anywhere.
  const demoKey = randomBytes(32).toString('base64url');
  const app = await createCoordinator(
    { port: 0, ...queues, storage, auth: { bootstrapAdminKey: demoKey } },
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const worker = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...storageEnvOf(storage),
      HOLTERFLOW_REDIS_URL: queues.redisUrl,
      HOLTERFLOW_QUEUE_PREFIX: queues.queuePrefix,
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
    console.log(`\ndownload everything: npx holterflow results ${run.runId} --out results/${run.runId}`);
    return final.state === 'completed' && final.records.failed === 0 ? 0 : 1;
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    await app.close();
  }
}
