/**
 * A real worker process (`apps/worker/src/main.ts`) for integration tests and benchmarks, pointed
 * at the test's Redis prefix and S3 server, with its output kept for assertions and diagnostics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr interleaved). */
  log: string;
}

export function spawnWorkerProcess(
  env: Record<string, string>,
  roles = 'classify,summarize,finalize',
): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, HOLTERFLOW_ROLES: roles, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const worker: WorkerProcess = { child, log: '' };
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (worker.log += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (worker.log += c));
  return worker;
}
