/**
 * The built-in local stack: s3rver on 127.0.0.1:9000 (bucket `holterflow`, data in
 * .holterflow/s3 of the repo) and a Redis the user runs. Its defaults are the defaults of
 * `storageConfigFromEnv()` and `queueEnvFromEnv()`, so with the stack up nothing needs setting.
 * `holterflow stack up|down|status` and the README's first command both call these functions.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { queueEnvFromEnv } from '@holterflow/contracts';
import {
  LOCAL_STACK_S3,
  ObjectStore,
  storageEnvOf,
  type StorageConfig,
  DEFAULT_RETRY,
} from '@holterflow/storage';
import { probeRedis, REDIS_START_COMMAND, type RedisProbe } from './redis-probe.js';
import { runningS3rverPid, startDetachedS3rver, stopS3rver, type S3rverFiles } from './s3rver-process.js';

export interface StackOptions {
  /** State directory: s3/ (object data), s3rver.pid, s3rver.log, stack.env. */
  stateDir: string;
  s3Host: string;
  s3Port: number;
  bucket: string;
  redisUrl: string;
}

/** `.holterflow` at the repository root (apps/cli/src/stack → four levels up). */
export const REPO_STATE_DIR = resolve(fileURLToPath(new URL('../../../../', import.meta.url)), '.holterflow');

export function defaultStackOptions(
  env: Readonly<Record<string, string | undefined>> = process.env,
): StackOptions {
  return {
    stateDir: REPO_STATE_DIR,
    s3Host: LOCAL_STACK_S3.host,
    s3Port: LOCAL_STACK_S3.port,
    bucket: LOCAL_STACK_S3.bucket,
    redisUrl: queueEnvFromEnv(env).redisUrl,
  };
}

export interface StackStatus {
  s3: { running: boolean; pid?: number; endpoint: string; bucket: string; dataDir: string };
  redis: RedisProbe;
  /** What to export so apps and tools use this stack (also written to <stateDir>/stack.env). */
  env: Record<string, string>;
}

export class RedisNotReachableError extends Error {
  override readonly name = 'RedisNotReachableError';
  constructor(readonly probe: RedisProbe) {
    super(
      `Redis is not reachable at ${probe.url} (${probe.problem}). Start it with:\n  ${REDIS_START_COMMAND}\n` +
        `then run \`holterflow stack up\` again.`,
    );
  }
}

/**
 * Starts s3rver unless it already runs, creates the bucket, writes stack.env. Idempotent.
 * Redis is checked first so a failure leaves nothing half-started.
 */
export async function stackUp(
  options: StackOptions = defaultStackOptions(),
): Promise<StackStatus & { started: boolean }> {
  const redis = await probeRedis(options.redisUrl);
  if (!redis.reachable) throw new RedisNotReachableError(redis);
  const files = s3rverFiles(options);
  mkdirSync(options.stateDir, { recursive: true });
  const endpoint = endpointOf(options);
  let pid = runningS3rverPid(files);
  const started = pid === undefined;
  const recorded = recordedEndpoint(options);
  if (started) pid = await startDetachedS3rver(files, options.s3Host, options.s3Port);
  else if (recorded !== undefined && recorded !== endpoint) {
    throw new Error(
      `the stack's s3rver already runs at ${recorded} (pid ${pid}); run \`holterflow stack down\` first to move it`,
    );
  }
  const config = s3Config(options);
  const store = new ObjectStore(config);
  try {
    await store.ensureBucket();
  } finally {
    store.destroy();
  }
  const env = stackEnv(options);
  writeFileSync(
    join(options.stateDir, 'stack.env'),
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  return {
    started,
    s3: { running: true, pid, endpoint, bucket: options.bucket, dataDir: files.dataDir },
    redis,
    env,
  };
}

/** Stops the stack's s3rver; object data stays in <stateDir>/s3. Redis is left alone (not ours). */
export async function stackDown(
  options: StackOptions = defaultStackOptions(),
): Promise<{ stoppedPid?: number }> {
  return { stoppedPid: await stopS3rver(s3rverFiles(options)) };
}

export async function stackStatus(options: StackOptions = defaultStackOptions()): Promise<StackStatus> {
  const files = s3rverFiles(options);
  const pid = runningS3rverPid(files);
  const endpoint =
    pid !== undefined ? (recordedEndpoint(options) ?? endpointOf(options)) : endpointOf(options);
  return {
    s3: { running: pid !== undefined, pid, endpoint, bucket: options.bucket, dataDir: files.dataDir },
    redis: await probeRedis(options.redisUrl),
    env: stackEnv(options),
  };
}

/** The S3 config of the stack (what `storageConfigFromEnv()` returns with stack.env exported). */
export function s3Config(options: StackOptions): StorageConfig {
  return {
    endpoint: endpointOf(options),
    region: LOCAL_STACK_S3.region,
    bucket: options.bucket,
    forcePathStyle: true,
    credentials: { accessKeyId: LOCAL_STACK_S3.accessKeyId, secretAccessKey: LOCAL_STACK_S3.secretAccessKey },
    retry: DEFAULT_RETRY,
  };
}

export function stackEnv(options: StackOptions): Record<string, string> {
  return { ...storageEnvOf(s3Config(options)), HOLTERFLOW_REDIS_URL: options.redisUrl };
}

function s3rverFiles(options: StackOptions): S3rverFiles {
  return {
    dataDir: join(options.stateDir, 's3'),
    pidFile: join(options.stateDir, 's3rver.pid'),
    logFile: join(options.stateDir, 's3rver.log'),
  };
}

function endpointOf(options: StackOptions): string {
  return `http://${options.s3Host}:${options.s3Port}`;
}

/** The endpoint the running stack was started with (from stack.env). */
function recordedEndpoint(options: StackOptions): string | undefined {
  const file = join(options.stateDir, 'stack.env');
  if (!existsSync(file)) return undefined;
  return /^HOLTERFLOW_S3_ENDPOINT=(.*)$/m.exec(readFileSync(file, 'utf8'))?.[1];
}
