/**
 * A real S3 protocol server for tests: s3rver in a child process on 127.0.0.1, a free port and a
 * fresh temp dir, with the bucket created. Every integration test in the repo uses this.
 *
 * A child process rather than in-process: s3rver must run under `node --openssl-legacy-provider`
 * (docs/ARCHITECTURE.md: paginated ListObjectsV2 answers 500 under OpenSSL 3 otherwise), and a separate
 * process keeps its CPU off the test's event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { DEFAULT_RETRY, ObjectStore, type StorageConfig } from '@holterflow/storage';

export interface S3rverHandle {
  endpoint: string;
  bucket: string;
  config: StorageConfig;
  /** The server's process (benchmarks count its CPU time). */
  pid: number;
  stop(): Promise<void>;
  /**
   * An S3 outage: the server process is stopped, nothing answers on its port for `ms`, then a
   * new server starts on the same port over the same data (objects written before are there).
   */
  outage(ms: number): Promise<void>;
}

/**
 * One s3rver for the whole test file: started before its tests, stopped after them, with a
 * store on its bucket. Read `.s3` and `.store` inside tests (they are set once `before` ran).
 */
export function s3rverForTestFile(): { readonly s3: S3rverHandle; readonly store: ObjectStore } {
  let s3: S3rverHandle | undefined;
  let store: ObjectStore | undefined;
  before(async () => {
    s3 = await startS3rver();
    store = new ObjectStore(s3.config);
  });
  after(async () => {
    store?.destroy();
    await s3?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the test file's s3rver is used before its before() hook ran");
    return value;
  };
  return {
    get s3() {
      return started(s3);
    },
    get store() {
      return started(store);
    },
  };
}

const S3RVER_BIN = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');
/**
 * Runs s3rver's own CLI, but exits when stdin closes: stdin is a pipe from the test process,
 * so a test file that crashes or is killed before stop() leaves no orphaned server behind.
 */
const EXIT_WITH_PARENT = "process.stdin.on('end', () => process.exit(0)).resume(); require(process.argv[1]);";
const STARTUP_TIMEOUT_MS = 15_000;

export async function startS3rver(options: { bucket?: string } = {}): Promise<S3rverHandle> {
  const bucket = options.bucket ?? 'holterflow-test';
  const directory = await mkdtemp(join(tmpdir(), 'holterflow-s3rver-'));
  let child: ChildProcess;
  let port: number;
  try {
    ({ child, port } = await spawnServer(directory, 0));
  } catch (err) {
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const config: StorageConfig = {
    endpoint,
    region: 'us-east-1',
    bucket,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    retry: DEFAULT_RETRY,
  };
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  };
  const stop = async () => {
    await kill();
    await rm(directory, { recursive: true, force: true });
  };
  const outage = async (ms: number) => {
    await kill();
    await new Promise((r) => setTimeout(r, ms));
    ({ child } = await spawnServer(directory, port));
  };
  const store = new ObjectStore(config);
  try {
    await store.ensureBucket();
  } catch (err) {
    await stop();
    throw err;
  } finally {
    store.destroy();
  }
  return {
    endpoint,
    bucket,
    config,
    get pid() {
      return child.pid!;
    },
    stop,
    outage,
  };
}

async function spawnServer(directory: string, port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      '-e',
      EXIT_WITH_PARENT,
      '--',
      S3RVER_BIN,
      ...['-d', directory, '-a', '127.0.0.1', '-p', String(port), '--silent'],
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  try {
    return { child, port: await waitForListening(child) };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

/** s3rver prints "S3rver listening on 127.0.0.1:<port>" once it accepts connections. */
function waitForListening(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(
      () => fail(new Error(`s3rver did not start within ${STARTUP_TIMEOUT_MS} ms: ${stderr || stdout}`)),
      STARTUP_TIMEOUT_MS,
    );
    const onExit = (code: number | null) =>
      fail(new Error(`s3rver exited with code ${code} before listening: ${stderr}`));
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      reject(err);
    };
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const m = /listening on [^\s:]+:(\d+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', onExit);
  });
}
