/** Coordinator settings, read once from the environment at start (the schema: libs/contracts config/environment.ts). */
import {
  queueEnvFromEnv,
  readEnvironment,
  readVariable,
  type LogLevel,
  type QueueEnv,
} from '@holterflow/contracts';
import { storageConfigFromEnv, type StorageConfig } from '@holterflow/storage';

export interface AuthConfig {
  /**
   * HOLTERFLOW_BOOTSTRAP_ADMIN_KEY: an admin key that works without being in S3, for the first
   * start (create real keys with it, then remove it from the configuration).
   */
  bootstrapAdminKey?: string;
  /** HOLTERFLOW_METRICS_KEY: when set, GET /metrics wants `Authorization: Bearer <it>`; open otherwise. */
  metricsKey?: string;
  /** HOLTERFLOW_SESSION_TTL_SECONDS: a console session's life from sign-in (default 8 h). */
  sessionTtlSeconds?: number;
}

export interface CoordinatorConfig extends QueueEnv {
  /** HTTP port (PORT, default 3000; 0 picks a free port). */
  port: number;
  storage: StorageConfig;
  /**
   * Buckets a run or an ingest may use (HOLTERFLOW_ALLOWED_BUCKETS, comma list; default only
   * storage.bucket). A request may name one of these, never another: the coordinator reads
   * them with its own credentials.
   */
  allowedBuckets?: readonly string[];
  auth: AuthConfig;
  /** HOLTERFLOW_CHROMIUM: the headless Chromium that prints a report to PDF (GET …/report.pdf). */
  chromiumPath?: string;
}

export const COORDINATOR_CONFIG = Symbol('COORDINATOR_CONFIG');

type Env = Readonly<Record<string, string | undefined>>;

/** Throws ConfigError naming the first bad variable. */
export function coordinatorConfigFromEnv(env: Env): CoordinatorConfig {
  const v = readEnvironment(env, [
    'PORT',
    'HOLTERFLOW_ALLOWED_BUCKETS',
    'HOLTERFLOW_BOOTSTRAP_ADMIN_KEY',
    'HOLTERFLOW_METRICS_KEY',
    'HOLTERFLOW_SESSION_TTL_SECONDS',
    'HOLTERFLOW_CHROMIUM',
  ]);
  const storage = storageConfigFromEnv(env);
  return {
    port: v.PORT,
    ...queueEnvFromEnv(env),
    storage,
    allowedBuckets: [storage.bucket, ...v.HOLTERFLOW_ALLOWED_BUCKETS.filter((b) => b !== storage.bucket)],
    auth: {
      bootstrapAdminKey: v.HOLTERFLOW_BOOTSTRAP_ADMIN_KEY,
      metricsKey: v.HOLTERFLOW_METRICS_KEY,
      sessionTtlSeconds: v.HOLTERFLOW_SESSION_TTL_SECONDS,
    },
    chromiumPath: v.HOLTERFLOW_CHROMIUM,
  };
}

/** The buckets requests may name: the configured one first. */
export function allowedBucketsOf(config: CoordinatorConfig): readonly string[] {
  // The coordinator's own bucket always, first (the default); the allow-list adds to it.
  const own = config.storage.bucket;
  return [own, ...(config.allowedBuckets ?? []).filter((b) => b !== own)];
}

/** HOLTERFLOW_LOG_LEVEL: pino level of the coordinator's JSON logs (default info). */
export function logLevelFromEnv(env: Env): LogLevel {
  return readVariable(env, 'HOLTERFLOW_LOG_LEVEL');
}
