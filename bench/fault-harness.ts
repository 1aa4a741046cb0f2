/**
 * Fault harness (issue #11): a real multi-process run — a coordinator process, two worker
 * processes, s3rver and Redis — repeated once per trial with one fault injected at a random
 * moment, and every output object compared byte for byte with an undisturbed run of the same
 * request (summary.json without its `processing` timings: sameOutput). Faults:
 *   worker-kill          SIGKILL one worker (a new one is started in its place)
 *   coordinator-restart  SIGKILL the coordinator and start it again
 *   s3-outage            stop s3rver for 4-8 s, then start it again over the same data
 *   redis-flush          delete every Redis key of the deployment, then resubmit the run
 * Prints one line per trial and a summary (trials, faults, mismatches); exit code 1 on any
 * mismatch or failed trial.
 *
 *   node --import tsx bench/fault-harness.ts [--trials 20] [--kinds worker-kill,s3-outage,...] [--seed 1]
 *
 * --trials is per kind. test/fault-harness.test.ts runs a short version in CI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { keys } from '@holterflow/contracts';
import { seededUniform } from '@holterflow/ecg';
import { ObjectStore, storageEnvOf } from '@holterflow/storage';
import { connectTestRedis, type TestRedis } from '../test/support/redis.js';
import { startS3rver, type S3rverHandle } from '../test/support/s3rver.js';
import { spawnWorkerProcess, type WorkerProcess } from '../test/support/worker-process.js';
import { ingestFixtures, saveSeedModel } from '../test/support/run-fixtures.js';
import { objectsUnder, sameOutput } from '../test/support/run-flow.js';

export const FAULT_KINDS = ['worker-kill', 'coordinator-restart', 's3-outage', 'redis-flush'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface TrialResult {
  trial: number;
  kind: FaultKind;
  /** What was done and when, e.g. "SIGKILL worker 1234 at 1.8 s". */
  fault: string;
  seconds: number;
  /** Output keys whose bytes differ from the undisturbed run (or that are missing / extra). */
  mismatches: string[];
  error?: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ADMIN_KEY = 'fault-harness-admin-key-0123456789abcdef';
const RUN_ID = 'faults';
const RECORDS = ['100', '208'];
const REQUEST = { prefix: 'mitdb', model: 'seed-1', runId: RUN_ID, options: { windowSeconds: 120 } };
const RUN_TIMEOUT_MS = 240_000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Deployment {
  coordinator: ChildProcess | undefined;
  coordinatorLog = '';
  workers: WorkerProcess[] = [];
  private constructor(
    readonly redis: TestRedis,
    readonly s3: S3rverHandle,
    readonly store: ObjectStore,
    readonly port: number,
  ) {}

  static async start(): Promise<Deployment> {
    const redis = await connectTestRedis('fault-harness');
    const s3 = await startS3rver();
    const store = new ObjectStore(s3.config);
    await ingestFixtures(store, 'mitdb', RECORDS);
    await saveSeedModel(store, 'seed-1');
    const d = new Deployment(redis, s3, store, await freePort());
    await d.startCoordinator();
    d.startWorker();
    d.startWorker();
    return d;
  }

  get env(): Record<string, string> {
    return { ...storageEnvOf(this.s3.config), ...this.redis.env };
  }

  async startCoordinator(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/coordinator/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...this.env,
        PORT: String(this.port),
        HOLTERFLOW_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
        HOLTERFLOW_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (this.coordinatorLog += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (this.coordinatorLog += c));
    this.coordinator = child;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (await this.health()) return;
      if (Date.now() > deadline)
        throw new Error(`coordinator did not start:\n${this.coordinatorLog.slice(-2000)}`);
      await sleep(200);
    }
  }

  startWorker(): WorkerProcess {
    const w = spawnWorkerProcess(this.env);
    this.workers.push(w);
    return w;
  }

  liveWorkers(): WorkerProcess[] {
    return this.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
  }

  async health(): Promise<boolean> {
    try {
      return (await fetch(`http://127.0.0.1:${this.port}/health`)).ok;
    } catch {
      return false;
    }
  }

  async api(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_KEY}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : {} };
  }

  /** Submits the run, retrying while the coordinator or S3 is away (the faults make them so). */
  async submit(): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const answer = await this.api('POST', '/runs', REQUEST).catch(() => undefined);
      if (answer?.status === 202) return;
      if (Date.now() > deadline) throw new Error(`POST /runs kept failing: ${JSON.stringify(answer)}`);
      await sleep(500);
    }
  }

  async waitForRun(): Promise<void> {
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    for (;;) {
      const status = await this.api('GET', `/runs/${RUN_ID}`).catch(() => undefined);
      const state = status?.json.state;
      if (state === 'completed') return;
      if (state === 'failed' || state === 'cancelled')
        throw new Error(`run ${String(state)}: ${JSON.stringify(status?.json.records)}`);
      if (Date.now() > deadline)
        throw new Error(`run not complete after ${RUN_TIMEOUT_MS / 1000} s: ${JSON.stringify(status?.json)}`);
      await sleep(300);
    }
  }

  async outputs(): Promise<Map<string, Buffer>> {
    const all = await objectsUnder(this.store, `runs/${RUN_ID}/`);
    all.delete(keys.runManifest(RUN_ID)); // holds createdAt / completedAt: times, not results
    return all;
  }

  /** Forgets the run everywhere so the next trial plans it afresh under the same id. */
  async reset(): Promise<void> {
    for (const key of (await objectsUnder(this.store, `runs/${RUN_ID}/`)).keys())
      await this.store.delete(key);
    await this.flushRedis();
  }

  async flushRedis(): Promise<void> {
    let cursor = '0';
    do {
      const [next, found] = await this.redis.redis.scan(
        cursor,
        'MATCH',
        `${this.redis.prefix}:*`,
        'COUNT',
        1000,
      );
      if (found.length) await this.redis.redis.unlink(...found);
      cursor = next;
    } while (cursor !== '0');
  }

  async stop(): Promise<void> {
    for (const c of [this.coordinator, ...this.workers.map((w) => w.child)])
      if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    this.store.destroy();
    await this.s3.stop();
    await this.redis.cleanup();
  }
}

async function inject(
  d: Deployment,
  kind: FaultKind,
  random: () => number,
  startedAt: number,
): Promise<string> {
  const at = () => `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
  switch (kind) {
    case 'worker-kill': {
      const live = d.liveWorkers();
      const victim = live[Math.floor(random() * live.length)];
      victim.child.kill('SIGKILL');
      const detail = `SIGKILL worker ${victim.child.pid} at ${at()}`;
      d.startWorker();
      return detail;
    }
    case 'coordinator-restart': {
      d.coordinator?.kill('SIGKILL');
      const detail = `SIGKILL coordinator at ${at()}`;
      await d.startCoordinator();
      return detail;
    }
    case 's3-outage': {
      const ms = 4000 + Math.round(random() * 4000);
      const detail = `s3rver stopped ${(ms / 1000).toFixed(1)} s at ${at()}`;
      await d.s3.outage(ms);
      return detail;
    }
    case 'redis-flush': {
      await d.flushRedis();
      const detail = `Redis flushed at ${at()}, run resubmitted`;
      await d.submit();
      return detail;
    }
  }
}

function compare(expected: Map<string, Buffer>, actual: Map<string, Buffer>): string[] {
  const out: string[] = [];
  for (const [key, bytes] of expected) {
    const got = actual.get(key);
    if (!got) out.push(`${key} missing`);
    else if (!sameOutput(key, bytes, got)) out.push(`${key} differs`);
  }
  for (const key of actual.keys()) if (!expected.has(key)) out.push(`${key} extra`);
  return out;
}

export async function runFaultHarness(options: {
  kinds: readonly FaultKind[];
  /** Total trials; kinds are taken in turn. */
  trials: number;
  seed?: number;
  log?: (line: string) => void;
}): Promise<{ baselineObjects: number; results: TrialResult[] }> {
  const log = options.log ?? ((line: string) => console.log(line));
  const random = seededUniform(options.seed ?? 1);
  const d = await Deployment.start();
  try {
    await d.submit();
    await d.waitForRun();
    const baseline = await d.outputs();
    log(`undisturbed run: ${baseline.size} output objects`);
    const results: TrialResult[] = [];
    for (let trial = 1; trial <= options.trials; trial++) {
      const kind = options.kinds[(trial - 1) % options.kinds.length];
      await d.reset();
      const startedAt = Date.now();
      let fault = '';
      let mismatches: string[] = [];
      let error: string | undefined;
      try {
        await d.submit();
        // A random moment inside the run (an undisturbed run of this size takes a few seconds).
        await sleep(300 + Math.round(random() * 2500));
        fault = await inject(d, kind, random, startedAt);
        await d.waitForRun();
        mismatches = compare(baseline, await d.outputs());
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      const result = { trial, kind, fault, seconds: (Date.now() - startedAt) / 1000, mismatches, error };
      results.push(result);
      log(
        `trial ${String(trial).padStart(3)} ${kind.padEnd(19)} ${fault.padEnd(42)} ${result.seconds.toFixed(1).padStart(6)} s  ` +
          (error
            ? `ERROR ${error}`
            : `${mismatches.length} mismatches${mismatches.length ? `: ${mismatches.join(', ')}` : ''}`),
      );
    }
    return { baselineObjects: baseline.size, results };
  } finally {
    await d.stop();
  }
}

export function summarize(results: TrialResult[]): string {
  const lines = [`trials ${results.length}`];
  for (const kind of FAULT_KINDS) {
    const of = results.filter((r) => r.kind === kind);
    if (of.length === 0) continue;
    const mism = of.reduce((n, r) => n + r.mismatches.length, 0);
    const failed = of.filter((r) => r.error).length;
    lines.push(`  ${kind.padEnd(19)} faults ${of.length}, mismatches ${mism}, failed trials ${failed}`);
  }
  const total = results.reduce((n, r) => n + r.mismatches.length, 0);
  lines.push(`mismatches ${total}, failed trials ${results.filter((r) => r.error).length}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      trials: { type: 'string', default: '20' },
      kinds: { type: 'string' },
      seed: { type: 'string', default: '1' },
    },
  });
  const kinds = (values.kinds?.split(',') ?? [...FAULT_KINDS]) as FaultKind[];
  for (const k of kinds)
    if (!FAULT_KINDS.includes(k)) throw new Error(`unknown fault kind ${k}: use ${FAULT_KINDS.join(', ')}`);
  const perKind = Number(values.trials);
  const { results } = await runFaultHarness({
    kinds,
    trials: perKind * kinds.length,
    seed: Number(values.seed),
  });
  console.log(summarize(results));
  process.exit(results.some((r) => r.error || r.mismatches.length) ? 1 : 0);
}
