/**
 * The one configuration schema: every environment variable HolterFlow reads (each HOLTERFLOW_*
 * variable, PORT, and the two AWS keys the S3 client takes), with its default, who reads it and
 * what it means. Apps validate the variables they use once at start (readEnvironment), and a bad
 * value stops the process with one line naming the variable; libraries never read process.env,
 * they take these values as options. The README's and infra/README.md's variable tables are
 * generated from ENVIRONMENT (environmentTable; test/structure/environment-docs.test.ts checks
 * them).
 */
import { z } from 'zod';
import { WORKER_ROLES, type WorkerRole } from '../queues.js';

import { ConfigError, DEFAULT_COORDINATOR_URL, parseHttpUrl, variableProblem } from './coordinator-url.js';

export { ConfigError, DEFAULT_COORDINATOR_URL };

/** The TensorFlow.js backends, in the order `auto` tries them. */
export const TF_BACKENDS = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type TfBackend = (typeof TF_BACKENDS)[number];
export type TfBackendPreference = 'auto' | TfBackend;
/** The inference engines a classifier can run on (libs/model). */
export const INFERENCE_ENGINES = ['onnx', 'tfjs'] as const;
export type InferenceEngineName = (typeof INFERENCE_ENGINES)[number];
export type InferenceEnginePreference = 'auto' | InferenceEngineName;

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_QUEUE_PREFIX = 'bull';
/** Debian's chromium package (apt-get install -y chromium). */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
/** HOLTERFLOW_S3_ENDPOINT value that selects AWS's own endpoint instead of the local default. */
export const AWS_ENDPOINT_KEYWORD = 'aws';

export function parseTfBackendPreference(value: string | undefined): TfBackendPreference {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if ((TF_BACKENDS as readonly string[]).includes(value)) return value as TfBackend;
  throw new ConfigError(`unknown TensorFlow.js backend '${value}': use auto, ${TF_BACKENDS.join(', ')}`);
}

export function parseInferenceEnginePreference(value: string | undefined): InferenceEnginePreference {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if ((INFERENCE_ENGINES as readonly string[]).includes(value)) return value as InferenceEngineName;
  throw new ConfigError(`unknown inference engine '${value}': use auto, onnx or tfjs`);
}

/** Who reads a variable: the table says so, and each app validates only its own. */
export type Reader = 'coordinator' | 'worker' | 'cli' | 'tests' | 'demo';

interface Variable<T> {
  /** Raw value (undefined when unset or blank) → typed value; throws ConfigError without the name. */
  parse: (raw: string | undefined) => T;
  /** As the docs table shows it. */
  default: string;
  readers: readonly Reader[];
  meaning: string;
  /** Table row it is documented in, when several variables share one (`HOLTERFLOW_<ROLE>_CONCURRENCY`). */
  row?: string;
}

const trimmed = (raw: string | undefined) => raw?.trim() || undefined;

function positiveInt(fallback: number): (raw: string | undefined) => number;
function positiveInt(fallback: undefined): (raw: string | undefined) => number | undefined;
function positiveInt(fallback: number | undefined) {
  return (raw: string | undefined) => {
    const value = trimmed(raw);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new ConfigError(`${JSON.stringify(value)} is not a positive integer`);
    return n;
  };
}

/** HOLTERFLOW_ROLES: a comma list of WORKER_ROLES; unset means every role except train. */
function parseRoles(raw: string | undefined): WorkerRole[] {
  const names = (raw ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (names.length === 0) return WORKER_ROLES.filter((role) => role !== 'train');
  const roles: WorkerRole[] = [];
  for (const name of names) {
    if (!(WORKER_ROLES as readonly string[]).includes(name))
      throw new ConfigError(`unknown role "${name}" (roles are: ${WORKER_ROLES.join(', ')})`);
    if (!roles.includes(name as WorkerRole)) roles.push(name as WorkerRole);
  }
  return roles;
}

function parseRedisUrl(raw: string | undefined): string {
  const url = trimmed(raw) ?? DEFAULT_REDIS_URL;
  if (!/^rediss?:\/\//.test(url))
    throw new ConfigError(`${JSON.stringify(url)} is not a redis:// or rediss:// URL`);
  return url;
}

function parseQueuePrefix(raw: string | undefined): string {
  const prefix = trimmed(raw) ?? DEFAULT_QUEUE_PREFIX;
  if (!/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*$/.test(prefix))
    throw new ConfigError(`${JSON.stringify(prefix)}: use letters, digits, '_', '-', '.', ':'`);
  return prefix;
}

/** A URL, `aws`, or unset (the local stack). */
function parseS3Endpoint(raw: string | undefined): string | undefined {
  const value = trimmed(raw);
  if (value === undefined || value.toLowerCase() === AWS_ENDPOINT_KEYWORD) return value?.toLowerCase();
  if (!/^https?:\/\/[^/\s]+/.test(value))
    throw new ConfigError(
      `${JSON.stringify(value)} is not a URL: use e.g. http://127.0.0.1:9000, or "aws" for AWS S3`,
    );
  return value;
}

function parsePort(raw: string | undefined): number {
  const value = trimmed(raw) ?? '3000';
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`${JSON.stringify(value)} is not a TCP port (0-65535)`);
  return port;
}

/** Shorter keys could be guessed; a generated key (`holterflow keys create`) is 58 characters. */
export const MIN_CONFIGURED_KEY_LENGTH = 32;

/** A secret key from the configuration: unset, or at least MIN_CONFIGURED_KEY_LENGTH characters. */
function parseConfiguredKey(raw: string | undefined): string | undefined {
  const value = trimmed(raw);
  if (value !== undefined && value.length < MIN_CONFIGURED_KEY_LENGTH)
    // The message gives the length only: a key, even a bad one, is never printed.
    throw new ConfigError(`${value.length} characters; use at least ${MIN_CONFIGURED_KEY_LENGTH}`);
  return value;
}

/** A comma list of bucket names (blank entries dropped, order kept, no duplicates). */
function parseBucketList(raw: string | undefined): string[] {
  const names = (raw ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  return [...new Set(names)];
}

/** The pino levels of the coordinator's JSON logs. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function parseLogLevel(raw: string | undefined): LogLevel {
  const value = trimmed(raw)?.toLowerCase() ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value))
    throw new ConfigError(`${JSON.stringify(value)}: use one of ${LOG_LEVELS.join(', ')}`);
  return value as LogLevel;
}

/** Variables every process that touches the queues or S3 reads. */
const EVERY_PROCESS: readonly Reader[] = ['coordinator', 'worker', 'cli'];

/** AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: the S3 key pair, one row in the docs. */
const awsKey: Variable<string | undefined> = {
  parse: trimmed,
  default: "the local stack's `S3RVER`",
  readers: EVERY_PROCESS,
  meaning: "S3 key pair, both or neither; unset elsewhere: the SDK's default chain (IAM role, IRSA, profile)",
  row: 'AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY',
};

/** HOLTERFLOW_<ROLE>_CONCURRENCY: the same for every role, one row in the docs. */
const concurrency = (): Variable<number> => ({
  parse: positiveInt(1),
  default: '`1`',
  readers: ['worker'],
  meaning: 'jobs of that role at once per worker process',
  row: 'HOLTERFLOW_<ROLE>_CONCURRENCY',
});

export const ENVIRONMENT = {
  HOLTERFLOW_REDIS_URL: {
    parse: parseRedisUrl,
    default: `\`${DEFAULT_REDIS_URL}\``,
    readers: EVERY_PROCESS,
    meaning: "BullMQ's Redis",
  },
  HOLTERFLOW_QUEUE_PREFIX: {
    parse: parseQueuePrefix,
    default: `\`${DEFAULT_QUEUE_PREFIX}\``,
    readers: EVERY_PROCESS,
    meaning:
      'BullMQ key prefix; coordinator, workers and CLI of a stack must agree, one per stack on a shared Redis (tests use their own)',
  },
  HOLTERFLOW_S3_ENDPOINT: {
    parse: parseS3Endpoint,
    default: '`http://127.0.0.1:9000` (local stack)',
    readers: EVERY_PROCESS,
    meaning: 'S3 API URL (path-style); `aws` for AWS S3 itself',
  },
  HOLTERFLOW_S3_REGION: {
    parse: trimmed,
    default: '`us-east-1`',
    readers: EVERY_PROCESS,
    meaning: 'S3 region',
  },
  HOLTERFLOW_S3_BUCKET: {
    parse: trimmed,
    default: '`holterflow`',
    readers: EVERY_PROCESS,
    meaning:
      'the bucket runs, models, API keys and recordings are in unless a request names one of `HOLTERFLOW_ALLOWED_BUCKETS`',
  },
  AWS_ACCESS_KEY_ID: awsKey,
  AWS_SECRET_ACCESS_KEY: awsKey,
  PORT: {
    parse: parsePort,
    default: '`3000`',
    readers: ['coordinator'],
    meaning: 'coordinator HTTP port (0 picks a free one)',
  },
  HOLTERFLOW_ROLES: {
    parse: parseRoles,
    default: 'every role except `train`',
    readers: ['worker'],
    meaning: `worker roles, comma list of \`${WORKER_ROLES.join(',')}\``,
  },
  HOLTERFLOW_INGEST_CONCURRENCY: concurrency(),
  HOLTERFLOW_CLASSIFY_CONCURRENCY: concurrency(),
  HOLTERFLOW_SUMMARIZE_CONCURRENCY: concurrency(),
  HOLTERFLOW_FINALIZE_CONCURRENCY: concurrency(),
  HOLTERFLOW_TRAIN_CONCURRENCY: concurrency(),
  HOLTERFLOW_SHUTDOWN_GRACE_MS: {
    parse: positiveInt(30_000),
    default: '`30000`',
    readers: ['worker'],
    meaning: 'how long a stopping worker lets active jobs run on before releasing them to other workers',
  },
  HOLTERFLOW_TRAIN_THREADS: {
    parse: positiveInt(undefined),
    default: 'the cores the process may use',
    readers: ['worker'],
    meaning: 'train role: gradient threads per job (wasm/cpu; 1 on tfjs-node(-gpu))',
  },
  HOLTERFLOW_TF_BACKEND: {
    parse: parseTfBackendPreference,
    default: '`auto`',
    readers: ['worker', 'cli'],
    meaning: `TensorFlow.js backend: ${TF_BACKENDS.map((b) => `\`${b}\``).join(', ')} to force one (train, and the tfjs engine)`,
  },
  HOLTERFLOW_INFERENCE_ENGINE: {
    parse: parseInferenceEnginePreference,
    default: '`auto`',
    readers: ['worker'],
    meaning: 'classify: `onnx` (onnxruntime-node) or `tfjs` to force one; auto = ONNX on CPU, tfjs on a GPU',
  },
  HOLTERFLOW_BOOTSTRAP_ADMIN_KEY: {
    parse: parseConfiguredKey,
    default: 'unset',
    readers: ['coordinator'],
    meaning: `an admin API key that works without being stored in S3 (at least ${MIN_CONFIGURED_KEY_LENGTH} characters), for the first start: create real keys with it, then remove it`,
  },
  HOLTERFLOW_METRICS_KEY: {
    parse: parseConfiguredKey,
    default: 'unset (`/metrics` open)',
    readers: ['coordinator'],
    meaning: `when set, \`GET /metrics\` wants \`Authorization: Bearer <it>\` (at least ${MIN_CONFIGURED_KEY_LENGTH} characters)`,
  },
  HOLTERFLOW_SESSION_TTL_SECONDS: {
    parse: positiveInt(8 * 3600),
    default: '`28800` (8 h)',
    readers: ['coordinator'],
    meaning:
      'how long a web console session lasts after sign-in (its httpOnly cookie and its Redis entry expire then)',
  },
  HOLTERFLOW_ALLOWED_BUCKETS: {
    parse: parseBucketList,
    default: 'only `HOLTERFLOW_S3_BUCKET`',
    readers: ['coordinator'],
    meaning: 'comma list of further buckets a run or ingest request may name; any other bucket is a 400',
  },
  HOLTERFLOW_LOG_LEVEL: {
    parse: parseLogLevel,
    default: '`info`',
    readers: ['coordinator'],
    meaning: `coordinator JSON log level: ${LOG_LEVELS.map((l) => `\`${l}\``).join(', ')}`,
  },
  HOLTERFLOW_COORDINATOR_URL: {
    parse: parseHttpUrl,
    default: `\`${DEFAULT_COORDINATOR_URL}\``,
    readers: ['cli'],
    meaning: 'where `holterflow run/runs/status` find the coordinator',
  },
  HOLTERFLOW_STATE_DIR: {
    parse: trimmed,
    default: '`.holterflow` of the checkout',
    readers: ['cli'],
    meaning: "the local stack's data, pid, log and stack.env (read by the CLI)",
  },
  HOLTERFLOW_CHROMIUM: {
    parse: (raw: string | undefined) => trimmed(raw) ?? DEFAULT_CHROMIUM_PATH,
    default: `\`${DEFAULT_CHROMIUM_PATH}\``,
    readers: ['cli', 'coordinator', 'tests'],
    meaning:
      'headless Chromium for `holterflow report --pdf`, the report PDF route and the page tests (driven by playwright-core)',
  },
  HOLTERFLOW_API_KEY: {
    parse: trimmed,
    default: 'unset',
    readers: ['cli'],
    meaning:
      'the API key the CLI sends as `Authorization: Bearer`; `holterflow keys` goes through the API with it, straight to the bucket without',
  },
  HOLTERFLOW_MITDB_DIR: {
    parse: trimmed,
    default: '`data/mitdb` of the checkout',
    readers: ['tests'],
    meaning: 'the full MIT-BIH database for the tests and benchmarks that need it (skipped without it)',
  },
  HOLTERFLOW_MODELS_DIR: {
    parse: trimmed,
    default: '`models` of the checkout',
    readers: ['cli', 'demo'],
    meaning: 'the shipped models `stack up`, `models push <version>` and the demo use',
  },
} satisfies Record<string, Variable<unknown>>;

export type VariableName = keyof typeof ENVIRONMENT;
export type Environment = { [K in VariableName]: ReturnType<(typeof ENVIRONMENT)[K]['parse']> };

type Env = Readonly<Record<string, string | undefined>>;

/** A variable's parser as a zod field: its ConfigError becomes the issue's message. */
function field<T>(parse: (raw: string | undefined) => T) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T => {
      try {
        return parse(raw);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        ctx.addIssue({ code: 'custom', message: err.message });
        return z.NEVER;
      }
    });
}

const FIELDS = Object.fromEntries(
  (Object.keys(ENVIRONMENT) as VariableName[]).map((name) => [
    name,
    field(ENVIRONMENT[name].parse as (raw: string | undefined) => unknown),
  ]),
) as Record<VariableName, ReturnType<typeof field<unknown>>>;

/** The whole environment as one zod object schema (other variables pass through untouched). */
export const EnvironmentSchema = z.object(FIELDS);

/**
 * The variables an app reads, validated; the first bad one is reported as one line naming it:
 * `NAME="value" problem` when the problem quotes the value, `NAME: problem` otherwise.
 */
export function readEnvironment<K extends VariableName>(env: Env, names: readonly K[]): Pick<Environment, K> {
  const schema = z.object(Object.fromEntries(names.map((n) => [n, FIELDS[n]])));
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data as unknown as Pick<Environment, K>;
  const issue = parsed.error.issues[0];
  const name = String(issue.path[0]);
  throw new ConfigError(variableProblem(name, issue.message));
}

/** One variable, validated like readEnvironment. */
export function readVariable<K extends VariableName>(env: Env, name: K): Environment[K] {
  return readEnvironment(env, [name])[name];
}

/** The variables `reader` reads. */
export function variablesOf(reader: Reader): VariableName[] {
  return (Object.keys(ENVIRONMENT) as VariableName[]).filter((n) =>
    (ENVIRONMENT[n].readers as readonly Reader[]).includes(reader),
  );
}

/** The concurrency variable of a worker role. */
export function concurrencyVariable(role: WorkerRole): `HOLTERFLOW_${Uppercase<WorkerRole>}_CONCURRENCY` {
  return `HOLTERFLOW_${role.toUpperCase() as Uppercase<WorkerRole>}_CONCURRENCY`;
}

/** The Markdown table of ENVIRONMENT that README.md and infra/README.md carry. */
export function environmentTable(): string {
  const rows = new Map<string, { default: string; readers: string; meaning: string }>();
  for (const [name, v] of Object.entries(ENVIRONMENT) as [VariableName, Variable<unknown>][]) {
    const row = v.row ?? name;
    if (rows.has(row)) continue;
    rows.set(row, { default: v.default, readers: v.readers.join(', '), meaning: v.meaning });
  }
  const lines = [...rows].map(([row, r]) => {
    const names = row
      .split(', ')
      .map((n) => `\`${n}\``)
      .join(', ');
    return [names, r.default, r.readers, r.meaning];
  });
  const header = ['variable', 'default', 'read by', 'meaning'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)].join('\n');
}
