/**
 * The set-up the pipeline's integration tests share (s3-outage, pipeline-worker,
 * pipeline-bad-input, pipeline-e2e): real Redis under the test file's prefix, s3rver over HTTP
 * with a store on its bucket, worker processes pointed at both, the pipeline queues or the
 * coordinator in this process, waits that show the workers' logs when they fail, and one stop for
 * all of it. A test file makes it at the top, calls `start()` first in its before() (then fills
 * the store) and `stop()` in its after(), which stops whatever was started, also after a
 * before() that failed half-way. (Not hooks of its own: Node 20 runs a file's before() hooks at
 * once, not one after the other.)
 */
import type { Job } from 'bullmq';
import { ObjectStore, storageEnvOf } from '@holterflow/storage';
import type { RunQueues } from '../../apps/coordinator/src/runs/flow.js';
import { startTestCoordinator, type TestCoordinator } from './coordinator.js';
import { jsonClient, type Json } from './http.js';
import { connectTestRedis, type TestRedis } from './redis.js';
import { pipelineQueues } from './run-flow.js';
import { startS3rver, type S3rverHandle } from './s3rver.js';
import { spawnWorkerProcess, type WorkerProcess } from './worker-process.js';

export interface PipelineStackOptions {
  /** How long a wait lasts unless the call says otherwise. */
  timeoutMs: number;
  /** How often a wait probes. */
  pollMs: number;
  /** A probe that throws counts as "not yet" (S3 may be down while the test looks). */
  tolerateProbeErrors?: boolean;
  /** A worker process that exited ends a wait at once (leave off where a test kills one itself). */
  failOnWorkerExit?: boolean;
  /** How much of each worker's log (its end, in characters) an error shows; all of it by default. */
  logTail?: number;
}

export interface PipelineStack {
  /** Redis (the test file's prefix) and s3rver with a store on its bucket. */
  start(): Promise<void>;
  /** Everything started, stopped: onStop closers, workers, coordinator, queues, store, s3rver, Redis. */
  stop(): Promise<void>;
  readonly redis: TestRedis;
  readonly s3: S3rverHandle;
  readonly store: ObjectStore;
  /** Every worker process started (startWorker), in order. */
  readonly workers: WorkerProcess[];
  /** A worker process (roles classify, summarize, finalize) on the stack's Redis prefix and S3. */
  startWorker(): WorkerProcess;
  /** Each worker's log (or its end: logTail) under its pid. */
  logs(): string;
  /** Probes until `probe` gives a value; on a timeout the error names `what` and shows the logs. */
  waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  /** Until every worker started says it runs its roles. */
  workersStarted(what: string, timeoutMs?: number): Promise<void>;
  /** The three pipeline queues on a connection of their own (closed by the stack). */
  pipelineQueues(): RunQueues;
  /** The run's finalize job once it completed (read again: its returnvalue); throws if it failed. */
  finalized(runId: string, timeoutMs?: number): Promise<Job>;
  /** The coordinator in this process (startTestCoordinator); `http` and `base` go to it. */
  startCoordinator(): Promise<void>;
  /** Closes the coordinator (a test may start it again). */
  stopCoordinator(): Promise<void>;
  /** http://127.0.0.1:<port> of the coordinator now running. */
  readonly base: string;
  /** JSON calls to the coordinator with the test admin key. */
  http: ReturnType<typeof jsonClient>;
  /** GET /runs/{runId} until the run is completed; its status. */
  runCompleted(runId: string, what?: string): Promise<Json>;
  /** Runs first at the stop (before the workers, coordinator, queues, store, S3 and Redis go). */
  onStop(close: () => Promise<unknown>): void;
}

export function pipelineStack(testFile: string, options: PipelineStackOptions): PipelineStack {
  let redis: TestRedis | undefined;
  let s3: S3rverHandle | undefined;
  let store: ObjectStore | undefined;
  let coordinator: TestCoordinator | undefined;
  const workers: WorkerProcess[] = [];
  const queues: RunQueues[] = [];
  const closers: (() => Promise<unknown>)[] = [];

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the test file's ${what} is used before it was started`);
    return value;
  };

  async function start() {
    redis = await connectTestRedis(testFile);
    s3 = await startS3rver();
    store = new ObjectStore(s3.config);
  }

  async function stop() {
    for (const close of closers) await close();
    for (const { child } of workers)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await coordinator?.app.close();
    for (const q of queues) {
      for (const queue of [q.classify, q.summarize, q.finalize]) await queue.close();
      await q.connection.quit();
    }
    store?.destroy();
    await s3?.stop();
    await redis?.cleanup();
  }

  const logs = () =>
    workers
      .map((w) => `--- worker ${w.child.pid}\n${options.logTail ? w.log.slice(-options.logTail) : w.log}`)
      .join('\n');

  async function waitFor<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    timeoutMs = options.timeoutMs,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await (options.tolerateProbeErrors ? probe().catch(() => undefined) : probe());
      if (value !== undefined) return value;
      if (options.failOnWorkerExit)
        for (const w of workers)
          if (w.child.exitCode !== null) throw new Error(`a worker exited (${w.child.exitCode}):\n${logs()}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; worker logs:\n${logs()}`);
      await new Promise((r) => setTimeout(r, options.pollMs));
    }
  }

  const http = jsonClient(() => started(coordinator, 'coordinator').base);

  return {
    start,
    stop,
    get redis() {
      return started(redis, 'Redis');
    },
    get s3() {
      return started(s3, 's3rver');
    },
    get store() {
      return started(store, 'store');
    },
    workers,
    startWorker() {
      const w = spawnWorkerProcess({
        ...storageEnvOf(started(s3, 's3rver').config),
        ...started(redis, 'Redis').env,
      });
      workers.push(w);
      return w;
    },
    logs,
    waitFor,
    workersStarted: (what, timeoutMs) =>
      waitFor(
        what,
        async () => (workers.every((w) => /running roles: classify/.test(w.log)) ? true : undefined),
        timeoutMs,
      ).then(() => undefined),
    pipelineQueues() {
      const r = started(redis, 'Redis');
      const q = pipelineQueues(r.newConnection(), r.prefix);
      queues.push(q);
      return q;
    },
    finalized(runId, timeoutMs) {
      const queue = started(queues[0], 'pipeline queues').finalize;
      return waitFor(
        `finalize of ${runId}`,
        async () => {
          const id = `${runId}:run:finalize`;
          const job = await queue.getJob(id);
          const state = await job?.getState();
          if (state === 'failed') throw new Error(`finalize failed: ${job!.failedReason}\n${logs()}`);
          // The job object was read before its state: if it completed in between, its returnvalue
          // is not in that snapshot, so read it again once the state says completed.
          return state === 'completed' ? await queue.getJob(id) : undefined;
        },
        timeoutMs,
      );
    },
    async startCoordinator() {
      coordinator = await startTestCoordinator(started(redis, 'Redis'), started(s3, 's3rver'));
    },
    async stopCoordinator() {
      const app = started(coordinator, 'coordinator').app;
      coordinator = undefined;
      await app.close();
    },
    get base() {
      return started(coordinator, 'coordinator').base;
    },
    http,
    runCompleted: (runId, what = `run ${runId} to complete`) =>
      waitFor(what, async () => {
        const { json } = await http('GET', `/runs/${runId}`);
        return json.state === 'completed' ? json : undefined;
      }),
    onStop(close) {
      closers.push(close);
    },
  };
}
