/**
 * Where objects live and how to reach them. One shape for AWS, MinIO and the local s3rver
 * stack; `storageConfigFromEnv(env)` reads it from the environment the apps and the CLI share.
 */
import { AWS_ENDPOINT_KEYWORD, ConfigError, readEnvironment } from '@holterflow/contracts';

/** Retry policy for throttling, 5xx and network errors (see retry.ts). */
export interface RetryPolicy {
  /** Total attempts including the first one. */
  maxAttempts: number;
  /** Backoff before retry n is a random delay in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))]. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface StorageConfig {
  /** Custom S3 endpoint (MinIO, s3rver). Undefined means AWS's own regional endpoint. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Path-style URLs (`http://host/bucket/key`); MinIO and s3rver need them. */
  forcePathStyle: boolean;
  /** Static credentials; undefined lets the SDK's default chain find them (IAM role, profile). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  retry: RetryPolicy;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5_000 };

/**
 * The built-in local stack (`holterflow stack up`): s3rver on 127.0.0.1:9000 with bucket
 * `holterflow` and s3rver's fixed development key pair. With the stack up and no
 * HOLTERFLOW_S3_* variables set, every app and command talks to it.
 */
export const LOCAL_STACK_S3 = {
  host: '127.0.0.1',
  port: 9000,
  bucket: 'holterflow',
  region: 'us-east-1',
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
} as const;

export const LOCAL_STACK_ENDPOINT = `http://${LOCAL_STACK_S3.host}:${LOCAL_STACK_S3.port}`;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads HOLTERFLOW_S3_ENDPOINT, HOLTERFLOW_S3_REGION (default us-east-1), HOLTERFLOW_S3_BUCKET,
 * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
 *
 * Defaults point at the local stack so a fresh checkout works after `holterflow stack up`.
 * To use AWS itself set HOLTERFLOW_S3_ENDPOINT=aws (virtual-hosted URLs, credentials from the
 * SDK's default chain unless the AWS_* keys are set).
 */
export function storageConfigFromEnv(env: Env): StorageConfig {
  // Validated by the one configuration schema (libs/contracts config/environment.ts).
  const v = readEnvironment(env, [
    'HOLTERFLOW_S3_ENDPOINT',
    'HOLTERFLOW_S3_REGION',
    'HOLTERFLOW_S3_BUCKET',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
  ]);
  const useAws = v.HOLTERFLOW_S3_ENDPOINT === AWS_ENDPOINT_KEYWORD;
  const endpoint = useAws ? undefined : (v.HOLTERFLOW_S3_ENDPOINT ?? LOCAL_STACK_ENDPOINT);
  const accessKeyId = v.AWS_ACCESS_KEY_ID;
  const secretAccessKey = v.AWS_SECRET_ACCESS_KEY;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigError('set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither');
  }
  const pointsAtLocalStack = endpoint === LOCAL_STACK_ENDPOINT;
  const credentials =
    accessKeyId !== undefined && secretAccessKey !== undefined
      ? { accessKeyId, secretAccessKey }
      : pointsAtLocalStack
        ? { accessKeyId: LOCAL_STACK_S3.accessKeyId, secretAccessKey: LOCAL_STACK_S3.secretAccessKey }
        : undefined;
  return {
    endpoint,
    region: v.HOLTERFLOW_S3_REGION ?? LOCAL_STACK_S3.region,
    bucket: v.HOLTERFLOW_S3_BUCKET ?? LOCAL_STACK_S3.bucket,
    forcePathStyle: endpoint !== undefined,
    credentials,
    retry: DEFAULT_RETRY,
  };
}

/** The environment variables that make `storageConfigFromEnv()` return this config. */
export function storageEnvOf(config: StorageConfig): Record<string, string> {
  const env: Record<string, string> = {
    HOLTERFLOW_S3_ENDPOINT: config.endpoint ?? AWS_ENDPOINT_KEYWORD,
    HOLTERFLOW_S3_REGION: config.region,
    HOLTERFLOW_S3_BUCKET: config.bucket,
  };
  if (config.credentials) {
    env.AWS_ACCESS_KEY_ID = config.credentials.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = config.credentials.secretAccessKey;
  }
  return env;
}
