/**
 * A lab's first hour, driven through the installed CLI as a user drives it: the compiled build
 * (`apps/cli/bin/holterflow.js`, what `npx holterflow` runs) and the compiled coordinator and
 * worker (`apps/*\/dist/main.js`), two local stacks on one machine and one Redis (free ports, own
 * state dirs and queue prefixes), the demo on the second one. Each command runs in a "new shell":
 * no HOLTERFLOW_* or AWS_* variables but HOLTERFLOW_STATE_DIR, which says whose checkout's
 * stack.env the CLI finds — so what it talks to comes from stack.env alone, as for a user.
 *  - `stack up` seeds the shipped models into a new bucket;
 *  - `npm run demo` uses the second stack that is already up, without flags;
 *  - `models push <folder> --default` uploads every file of a model folder (metrics.json too);
 *  - `run --wait` on the compiled services, then `results` straight from S3;
 *  - `results` of a run another stack holds, or of an unknown run, exits 1 naming endpoint,
 *    bucket and run; the stack talked to is announced when it is not the default.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelListing } from '@holterflow/registry';
import { readStackEnv } from '../apps/cli/src/stack/stack-env.js';
import { connectTestRedis, type TestRedis } from './support/redis.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'apps/cli/bin/holterflow.js');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const SHIPPED_MODELS = join(ROOT, 'models');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a new shell: nothing of ours, except the state dir of "this checkout". */
function shellEnv(stateDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('HOLTERFLOW_') && !k.startsWith('AWS_') && k !== 'PORT') env[k] = v;
  return { ...env, HOLTERFLOW_STATE_DIR: stateDir, NO_COLOR: '1' };
}

function exec(file: string, args: string[], env: NodeJS.ProcessEnv, timeout = 120_000): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: ROOT, env, timeout, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const holterflow = (stateDir: string, ...args: string[]) =>
  exec(process.execPath, [BIN, ...args], shellEnv(stateDir));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

let redis: TestRedis;
let work: string;
const stacks = { a: { stateDir: '', port: 0 }, b: { stateDir: '', port: 0, coordinatorPort: 0 } };
const services: ChildProcess[] = [];
const serviceLogs: string[] = [];

/** A compiled service of stack B with the variables of its stack.env exported, as the README says. */
function startService(main: string, extra: Record<string, string> = {}): void {
  const env = { ...shellEnv(stacks.b.stateDir), ...readStackEnv(stacks.b.stateDir), ...extra };
  const child = spawn(process.execPath, [main], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const i = serviceLogs.push('') - 1;
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (serviceLogs[i] += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (serviceLogs[i] += c));
  services.push(child);
}

async function waitForHealth(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`no healthy coordinator at ${url}:\n${serviceLogs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

before(async () => {
  // The compiled build is what a user runs; make sure it is this checkout's (incremental: fast).
  const build = await exec(process.execPath, [TSC, '-b', 'tsconfig.build.json'], process.env, 600_000);
  assert.equal(build.code, 0, `tsc -b failed:\n${build.stdout}${build.stderr}`);
  redis = await connectTestRedis(import.meta.url);
  work = await mkdtemp(join(tmpdir(), 'holterflow-lab-'));
  stacks.a = { stateDir: join(work, 'clone-a/.holterflow'), port: await freePort() };
  stacks.b = {
    stateDir: join(work, 'clone-b/.holterflow'),
    port: await freePort(),
    coordinatorPort: await freePort(),
  };
});

after(async () => {
  for (const child of services) {
    if (child.exitCode !== null) continue;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  for (const s of [stacks.a, stacks.b]) if (s.stateDir) await holterflow(s.stateDir, 'stack', 'down');
  await redis?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

test('two stacks, the demo on the second, models push, run --wait and results through the CLI', async () => {
  // The first stack: another clone's, on its own port and queue prefix.
  const upA = await holterflow(
    stacks.a.stateDir,
    'stack',
    'up',
    '--s3-port',
    String(stacks.a.port),
    '--state-dir',
    stacks.a.stateDir,
    '--queue-prefix',
    `${redis.prefix}:a`,
  );
  assert.equal(upA.code, 0, upA.stderr);
  const shipped = (await readdir(SHIPPED_MODELS, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  assert.ok(shipped.length > 0, 'models/ ships at least one version');
  assert.match(upA.stdout, new RegExp(`shipped models ${shipped.sort().join(', ')} copied`));

  // The new bucket lists the shipped versions, the shipped default marked.
  const modelsA = await holterflow(stacks.a.stateDir, 'models', '--json');
  assert.equal(modelsA.code, 0, modelsA.stderr);
  const listingA = JSON.parse(modelsA.stdout) as ModelListing;
  assert.deepEqual(listingA.versions.map((v) => v.version).sort(), shipped.sort());
  const shippedDefault = (await readFile(join(SHIPPED_MODELS, 'DEFAULT'), 'utf8')).trim();
  assert.equal(listingA.defaultVersion, shippedDefault);
  assert.match(modelsA.stderr, new RegExp(`S3 http://127\\.0\\.0\\.1:${stacks.a.port}, bucket holterflow`));

  // The second stack, then the demo on it with no flags: it finds the running stack in stack.env.
  const upB = await holterflow(
    stacks.b.stateDir,
    'stack',
    'up',
    '--s3-port',
    String(stacks.b.port),
    '--queue-prefix',
    `${redis.prefix}:b`,
    '--coordinator-port',
    String(stacks.b.coordinatorPort),
  );
  assert.equal(upB.code, 0, upB.stderr);
  const demo = await exec(
    process.execPath,
    ['--import', 'tsx', 'scripts/demo.ts'],
    shellEnv(stacks.b.stateDir),
    600_000,
  );
  assert.equal(demo.code, 0, `${demo.stdout}\n${demo.stderr}`);
  assert.match(demo.stdout, new RegExp(`s3rver already running at http://127\\.0\\.0\\.1:${stacks.b.port}`));
  assert.match(demo.stdout, /run run-[0-9a-f]{16} planned: 5 recordings/);

  // A model folder as training writes it, under a new name, pushed and made the default.
  const folder = join(work, 'lab-v2');
  await cp(join(SHIPPED_MODELS, shippedDefault), folder, { recursive: true });
  const files = (await readdir(folder)).sort();
  const push = await holterflow(stacks.b.stateDir, 'models', 'push', folder, '--default');
  assert.equal(push.code, 0, push.stderr);
  assert.match(push.stdout, new RegExp(`pushed ${files.length} files .* as s3://holterflow/models/lab-v2/`));
  for (const f of files) assert.ok(push.stdout.includes(f), `${f} pushed`);
  assert.match(push.stdout, new RegExp(`default model: ${shippedDefault} → lab-v2`));
  const modelsB = JSON.parse(
    (await holterflow(stacks.b.stateDir, 'models', '--json')).stdout,
  ) as ModelListing;
  assert.equal(modelsB.defaultVersion, 'lab-v2');
  // Its metrics.json came along: the listing has the same test accuracy as the shipped folder's.
  const lab = modelsB.versions.find((v) => v.version === 'lab-v2');
  const shippedEntry = listingA.versions.find((v) => v.version === shippedDefault);
  assert.ok(lab?.usable, `lab-v2 listed usable: ${JSON.stringify(lab)}`);
  // The copy's metrics.json still names the version it was trained as, and the listing says so.
  assert.deepEqual(lab.problems, [`metrics.json describes version "${shippedDefault}"`]);
  assert.ok(typeof lab.accuracy === 'number');
  assert.equal(lab.accuracy, shippedEntry?.accuracy);
  // Stack A never saw it.
  const againA = JSON.parse((await holterflow(stacks.a.stateDir, 'models', '--json')).stdout) as ModelListing;
  assert.ok(!againA.versions.some((v) => v.version === 'lab-v2'));

  // The compiled coordinator and a worker with the default roles, on stack B's stack.env.
  startService('apps/coordinator/dist/main.js');
  startService('apps/worker/dist/main.js');
  await waitForHealth(`http://127.0.0.1:${stacks.b.coordinatorPort}`);

  const run = await holterflow(stacks.b.stateDir, 'run', 's3://holterflow/demo/recordings', '--wait');
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}\n${serviceLogs.join('\n')}`);
  const runId = /run (run-[0-9a-f]{16}) planned: 5 recordings with model lab-v2/.exec(run.stdout)?.[1];
  assert.ok(runId, run.stdout);
  assert.match(run.stdout, new RegExp(`run ${runId}: completed`));
  for (const record of ['100', '105', '119', '208', '232'])
    assert.match(run.stdout, new RegExp(`\\n${record} +done`));

  const runs = await holterflow(stacks.b.stateDir, 'runs', '--state', 'completed');
  assert.equal(runs.code, 0, runs.stderr);
  assert.match(runs.stdout, new RegExp(`${runId} +completed +lab-v2 +5/5`));

  // results straight from S3: the coordinator is not needed for it.
  const out = join(work, 'results');
  const results = await holterflow(stacks.b.stateDir, 'results', runId, '--out', out);
  assert.equal(results.code, 0, results.stderr);
  assert.match(
    results.stderr,
    new RegExp(`S3 http://127\\.0\\.0\\.1:${stacks.b.port}, bucket holterflow \\(from `),
  );
  const csv = (await readFile(join(out, 'summary.csv'), 'utf8')).trim().split('\n');
  assert.equal(csv.length, 1 + 5, 'a header and one row per record');
  for (const record of ['100', '105', '119', '208', '232'])
    assert.ok((await readdir(join(out, 'records', record))).includes('beats.parquet'));

  // The same run id against the other stack, and an id no stack has: exit 1, saying where it looked.
  const elsewhere = await holterflow(stacks.a.stateDir, 'results', runId, '--out', join(work, 'nothing'));
  assert.equal(elsewhere.code, 1);
  assert.match(
    elsewhere.stderr,
    new RegExp(`no run ${runId} in bucket holterflow at http://127\\.0\\.0\\.1:${stacks.a.port}`),
  );
  const unknown = await holterflow(
    stacks.b.stateDir,
    'results',
    'run-0000000000000000',
    '--out',
    join(work, 'x'),
  );
  assert.equal(unknown.code, 1);
  assert.match(
    unknown.stderr,
    new RegExp(`no run run-0000000000000000 in bucket holterflow at http://127\\.0\\.0\\.1:${stacks.b.port}`),
  );
});

test('flag errors are in flag terms, with the limits --help states', async () => {
  const dir = stacks.b.stateDir || join(tmpdir(), 'no-stack');
  const bad = await holterflow(dir, 'run', 's3://holterflow/demo/recordings', '--window-seconds', '15');
  assert.equal(bad.code, 1);
  assert.match(
    bad.stderr,
    /--window-seconds 15: use a whole number of seconds from 60 to 86400, a multiple of 10/,
  );
  const help = await holterflow(dir, 'run', '--help');
  assert.match(
    help.stdout,
    /--window-seconds <s>\s+seconds of signal per classify job: 60-86400,\s+a multiple of\s+10/,
  );
  assert.match(help.stdout, /--no-recursive/);
  const version = await holterflow(dir, '--version');
  assert.equal(version.code, 0);
  assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
});
