/**
 * The built-in local stack: s3rver on 127.0.0.1:9000 (bucket `holterflow`, data in
 * .holterflow/s3 of the repo) and a Redis the user runs. Its defaults are the defaults of
 * `storageConfigFromEnv()` and `queueEnvFromEnv()`, so with the stack up nothing needs setting.
 * `holterflow stack up|down|status` and the README's first command both call these functions.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_QUEUE_PREFIX, queueEnvFromEnv } from '@holterflow/contracts';
import {
  objectModelStore,
  pushModelFolder,
  readDefaultModelVersion,
  setDefaultModelVersion,
} from '@holterflow/registry';
import {
  LOCAL_STACK_S3,
  ObjectStore,
  storageEnvOf,
  type StorageConfig,
  DEFAULT_RETRY,
} from '@holterflow/storage';
import { shippedDefaultVersion, shippedModelsDir, shippedModelVersions, stateDirOf } from '../checkout.js';
import { probeRedis, REDIS_START_COMMAND, type RedisProbe } from './redis-probe.js';
import { runningS3rverPid, startDetachedS3rver, stopS3rver, type S3rverFiles } from './s3rver-process.js';
import { readStackEnv, stackEnvFile, writeStackEnv } from './stack-env.js';

export interface StackOptions {
  /** State directory: s3/ (object data), s3rver.pid, s3rver.log, stack.env. */
  stateDir: string;
  s3Host: string;
  s3Port: number;
  bucket: string;
  redisUrl: string;
  /** BullMQ key prefix of this stack's coordinator and workers (stacks sharing a Redis need their own). */
  queuePrefix: string;
  /** Where this stack's coordinator listens (PORT and HOLTERFLOW_COORDINATOR_URL in stack.env). */
  coordinatorPort: number;
}

export const DEFAULT_COORDINATOR_PORT = 3000;

/** The built-in stack: s3rver on 127.0.0.1:9000, bucket holterflow, queue prefix bull, coordinator on 3000. */
export function defaultStackOptions(
  env: Readonly<Record<string, string | undefined>> = process.env,
): StackOptions {
  return {
    stateDir: stateDirOf(env),
    s3Host: LOCAL_STACK_S3.host,
    s3Port: LOCAL_STACK_S3.port,
    bucket: LOCAL_STACK_S3.bucket,
    redisUrl: queueEnvFromEnv(env).redisUrl,
    queuePrefix: DEFAULT_QUEUE_PREFIX,
    coordinatorPort: DEFAULT_COORDINATOR_PORT,
  };
}

/** What a user can choose on `stack up|down|status` and `npm run demo` (strings: flag values). */
export interface StackFlags {
  stateDir?: string;
  s3Host?: string;
  s3Port?: string;
  bucket?: string;
  queuePrefix?: string;
  coordinatorPort?: string;
}

/**
 * The stack a command means: the flags given, else what `<state dir>/stack.env` recorded (the
 * stack `stack up` last started there), else HOLTERFLOW_S3_ENDPOINT/_BUCKET/_QUEUE_PREFIX of
 * the environment when the endpoint is a local http URL, else the built-in defaults. A stack on
 * another port than 9000 gets the queue prefix `holterflow-<port>` unless one is chosen, so two
 * stacks on one Redis never take each other's jobs.
 */
export function stackOptionsFrom(
  flags: StackFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
): StackOptions {
  const defaults = defaultStackOptions(env);
  const stateDir = flags.stateDir ?? defaults.stateDir;
  const known = readStackEnv(stateDir) ?? env;
  const endpoint = parseLocalEndpoint(known.HOLTERFLOW_S3_ENDPOINT);
  const s3Port =
    flags.s3Port !== undefined ? parsePort('--s3-port', flags.s3Port) : (endpoint?.port ?? defaults.s3Port);
  const recordedPort = endpoint?.port ?? defaults.s3Port;
  const coordinatorUrlPort = parseLocalEndpoint(known.HOLTERFLOW_COORDINATOR_URL)?.port;
  return {
    stateDir,
    s3Host: flags.s3Host ?? endpoint?.host ?? defaults.s3Host,
    s3Port,
    bucket: flags.bucket ?? (known.HOLTERFLOW_S3_BUCKET?.trim() || defaults.bucket),
    redisUrl: known.HOLTERFLOW_REDIS_URL?.trim() || defaults.redisUrl,
    queuePrefix:
      flags.queuePrefix ??
      // A recorded prefix belongs to the recorded port; a stack moved elsewhere gets its own.
      ((s3Port === recordedPort ? known.HOLTERFLOW_QUEUE_PREFIX?.trim() : undefined) ||
        (s3Port === LOCAL_STACK_S3.port ? DEFAULT_QUEUE_PREFIX : `holterflow-${s3Port}`)),
    coordinatorPort:
      flags.coordinatorPort !== undefined
        ? parsePort('--coordinator-port', flags.coordinatorPort)
        : (coordinatorUrlPort ?? defaults.coordinatorPort),
  };
}

function parsePort(flag: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`${flag} ${value}: not a port (1-65535)`);
  return port;
}

function parseLocalEndpoint(url: string | undefined): { host: string; port: number } | undefined {
  const m = /^http:\/\/([^/:\s]+):(\d+)\/?$/.exec(url?.trim() ?? '');
  return m ? { host: m[1], port: Number(m[2]) } : undefined;
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
): Promise<StackStatus & { started: boolean; seeded: string[]; envFile: string }> {
  const redis = await probeRedis(options.redisUrl);
  if (!redis.reachable) throw new RedisNotReachableError(redis);
  const files = s3rverFiles(options);
  mkdirSync(options.stateDir, { recursive: true });
  const endpoint = endpointOf(options);
  let pid = runningS3rverPid(files);
  const started = pid === undefined;
  const recorded = readStackEnv(options.stateDir)?.HOLTERFLOW_S3_ENDPOINT;
  if (started) pid = await startDetachedS3rver(files, options.s3Host, options.s3Port);
  else if (recorded !== undefined && recorded !== endpoint) {
    throw new Error(
      `the stack's s3rver already runs at ${recorded} (pid ${pid}); run \`holterflow stack down\` first to move it`,
    );
  }
  const config = s3Config(options);
  const store = new ObjectStore(config);
  let seeded: string[] = [];
  try {
    if (await store.ensureBucket()) seeded = await seedShippedModels(store);
  } finally {
    store.destroy();
  }
  const env = stackEnv(options);
  writeStackEnv(options.stateDir, { ...env, ...localStackKeys(options.stateDir) });
  return {
    started,
    seeded,
    envFile: stackEnvFile(options.stateDir),
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
  const recorded = readStackEnv(options.stateDir)?.HOLTERFLOW_S3_ENDPOINT;
  const endpoint = pid !== undefined ? (recorded ?? endpointOf(options)) : endpointOf(options);
  return {
    s3: { running: pid !== undefined, pid, endpoint, bucket: options.bucket, dataDir: files.dataDir },
    redis: await probeRedis(options.redisUrl),
    env: stackEnv(options),
  };
}

/**
 * The local stack's admin key, in stack.env only (mode 0600, never printed): the coordinator
 * started with stack.env exported takes it as HOLTERFLOW_BOOTSTRAP_ADMIN_KEY, and holterflow
 * commands of this checkout send it as HOLTERFLOW_API_KEY. Kept across `stack up`s so a running
 * coordinator's key stays valid; made on the first.
 */
function localStackKeys(stateDir: string): Record<string, string> {
  const key = readStackEnv(stateDir)?.HOLTERFLOW_BOOTSTRAP_ADMIN_KEY ?? randomBytes(32).toString('base64url');
  return { HOLTERFLOW_BOOTSTRAP_ADMIN_KEY: key, HOLTERFLOW_API_KEY: key };
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
  return {
    ...storageEnvOf(s3Config(options)),
    HOLTERFLOW_REDIS_URL: options.redisUrl,
    HOLTERFLOW_QUEUE_PREFIX: options.queuePrefix,
    PORT: String(options.coordinatorPort),
    HOLTERFLOW_COORDINATOR_URL: `http://127.0.0.1:${options.coordinatorPort}`,
  };
}

/**
 * A new bucket gets the checkout's shipped models (every models/<version>/ with a model.json,
 * all its files) and their default, so a fresh stack can classify at once.
 */
async function seedShippedModels(store: ObjectStore): Promise<string[]> {
  const dir = shippedModelsDir();
  const versions = shippedModelVersions(dir);
  const models = objectModelStore(store);
  for (const version of versions) await pushModelFolder(models, join(dir, version), version);
  const shippedDefault = shippedDefaultVersion(dir);
  if (
    shippedDefault !== undefined &&
    versions.includes(shippedDefault) &&
    !(await readDefaultModelVersion(models))
  )
    await setDefaultModelVersion(models, shippedDefault);
  return versions;
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
