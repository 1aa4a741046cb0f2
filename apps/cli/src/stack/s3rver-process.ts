/**
 * The local stack's S3 server: s3rver as a detached background process with a pid file and a
 * log, surviving the CLI that started it. Run under `--openssl-legacy-provider` for the same
 * reason as the test harness (docs/ARCHITECTURE.md: paginated ListObjectsV2 answers 500 otherwise).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';

const S3RVER_BIN = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export interface S3rverFiles {
  dataDir: string;
  pidFile: string;
  logFile: string;
}

/** The pid recorded in the pid file if that process is alive and is s3rver; otherwise undefined. */
export function runningS3rverPid(files: S3rverFiles): number | undefined {
  if (!existsSync(files.pidFile)) return undefined;
  const pid = Number(readFileSync(files.pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  // Guard against pid reuse after a reboot: on Linux, check what the process actually is.
  const cmdline = `/proc/${pid}/cmdline`;
  if (existsSync(cmdline) && !readFileSync(cmdline, 'utf8').includes('s3rver')) return undefined;
  return pid;
}

/** Starts s3rver detached and waits until it accepts connections. Returns its pid. */
export async function startDetachedS3rver(files: S3rverFiles, host: string, port: number): Promise<number> {
  if (await portAcceptsConnections(host, port)) {
    throw new Error(
      `port ${port} on ${host} is already in use by another process: stop it, or choose another port with --s3-port`,
    );
  }
  mkdirSync(files.dataDir, { recursive: true });
  const log = openSync(files.logFile, 'a');
  try {
    const child = spawn(
      process.execPath,
      [
        '--openssl-legacy-provider',
        S3RVER_BIN,
        '-d',
        files.dataDir,
        '-a',
        host,
        '-p',
        String(port),
        '--silent',
      ],
      { detached: true, stdio: ['ignore', log, log] },
    );
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start s3rver (see ${files.logFile})`);
    writeFileSync(files.pidFile, `${pid}\n`);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await portAcceptsConnections(host, port))) {
      if (!isAlive(pid) || Date.now() > deadline) {
        rmSync(files.pidFile, { force: true });
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
        throw new Error(`s3rver did not come up on ${host}:${port}; its log: ${lastLines(files.logFile)}`);
      }
      await sleep(100);
    }
    return pid;
  } finally {
    closeSync(log);
  }
}

/** Stops the recorded s3rver (SIGTERM, then SIGKILL after 5 s). Returns the pid it stopped. */
export async function stopS3rver(files: S3rverFiles): Promise<number | undefined> {
  const pid = runningS3rverPid(files);
  if (pid !== undefined) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (isAlive(pid) && Date.now() < deadline) await sleep(50);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(files.pidFile, { force: true });
  return pid;
}

export function portAcceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    function done(result: boolean) {
      socket.destroy();
      resolve(result);
    }
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive but someone else's process.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lastLines(file: string, count = 10): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trim().split('\n').slice(-count).join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
