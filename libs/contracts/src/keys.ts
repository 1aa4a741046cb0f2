/**
 * The one place that builds S3 object keys (docs/ARCHITECTURE.md "S3 layout"). Every id that becomes part of
 * a key is validated here, so no record, run or model id can escape its prefix.
 */

/** Record ids: letters, digits, '_', '-', '.', not starting with '.', at most 128 characters. */
const SAFE_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export class InvalidIdError extends Error {
  override readonly name = 'InvalidIdError';
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    super(
      `invalid ${kind} id ${JSON.stringify(id)}: use 1-128 letters, digits, '_', '-' or '.', not starting with '.'`,
    );
  }
}

export function assertSafeId(kind: 'record' | 'run' | 'model' | 'window' | 'key', id: string): string {
  if (typeof id !== 'string' || !SAFE_ID.test(id) || id.includes('..')) throw new InvalidIdError(kind, id);
  return id;
}

export function isSafeId(id: string): boolean {
  return SAFE_ID.test(id) && !id.includes('..');
}

/** A prefix inside a bucket, normalised: no leading slash, no trailing slash, no '..' segment. */
export function normalisePrefix(prefix: string): string {
  const p = prefix.replace(/^\/+|\/+$/g, '');
  if (p.split('/').some((seg) => seg === '..' || seg === '.')) throw new InvalidIdError('prefix', prefix);
  return p;
}

function join(prefix: string, name: string): string {
  const p = normalisePrefix(prefix);
  return p ? `${p}/${name}` : name;
}

export const RECORDING_EXTENSIONS = ['.parquet', '.arrow'] as const;

/** The top-level prefixes HolterFlow writes into a bucket (runs, model versions, training checkpoints, API keys). */
export const PREFIXES = { runs: 'runs/', models: 'models/', training: 'training/', auth: 'auth/' } as const;
/**
 * Prefixes that hold HolterFlow's own outputs, never recordings: planning a run over a whole
 * bucket skips them.
 */
export const RESERVED_PREFIXES: readonly string[] = Object.values(PREFIXES);

/**
 * The file every saved model version has (the TF.js topology), written last by training, so its
 * presence means the version is usable.
 */
export const MODEL_JSON = 'model.json';

export const keys = {
  /** Canonical recording object. */
  recording: (prefix: string, recordId: string) =>
    join(prefix, `${assertSafeId('record', recordId)}.parquet`),
  /** Reference beats beside a recording. */
  referenceBeats: (prefix: string, recordId: string) =>
    join(prefix, `${assertSafeId('record', recordId)}.beats.parquet`),

  /** Everything one run writes (the CLI downloads a run's results from under it). */
  runPrefix: (runId: string) => `${PREFIXES.runs}${assertSafeId('run', runId)}/`,
  runManifest: (runId: string) => `runs/${assertSafeId('run', runId)}/manifest.json`,
  runPart: (runId: string, recordId: string, window: number) =>
    `runs/${assertSafeId('run', runId)}/parts/${assertSafeId('record', recordId)}/${windowName(window)}.parquet`,
  runPartsPrefix: (runId: string, recordId: string) =>
    `runs/${assertSafeId('run', runId)}/parts/${assertSafeId('record', recordId)}/`,
  runRecordBeats: (runId: string, recordId: string) =>
    `runs/${assertSafeId('run', runId)}/records/${assertSafeId('record', recordId)}/beats.parquet`,
  runRecordSummary: (runId: string, recordId: string) =>
    `runs/${assertSafeId('run', runId)}/records/${assertSafeId('record', recordId)}/summary.json`,
  runRecordReport: (runId: string, recordId: string) =>
    `runs/${assertSafeId('run', runId)}/records/${assertSafeId('record', recordId)}/report.html`,
  runRecordEvaluation: (runId: string, recordId: string) =>
    `runs/${assertSafeId('run', runId)}/records/${assertSafeId('record', recordId)}/evaluation.json`,
  runRecordError: (runId: string, recordId: string) =>
    `runs/${assertSafeId('run', runId)}/records/${assertSafeId('record', recordId)}/error.json`,
  runSummaryCsv: (runId: string) => `runs/${assertSafeId('run', runId)}/summary.csv`,
  runSummaryParquet: (runId: string) => `runs/${assertSafeId('run', runId)}/summary.parquet`,

  modelPrefix: (version: string) => `${PREFIXES.models}${assertSafeId('model', version)}/`,
  modelFile: (version: string, file: string) => `models/${assertSafeId('model', version)}/${file}`,
  /** Points at the default model version for new runs. */
  modelDefault: () => 'models/DEFAULT',
  /** API keys (libs/auth): one object per key id, holding the SHA-256 of its secret, never the key. */
  apiKey: (id: string) => `${PREFIXES.auth}api-keys/${assertSafeId('key', id)}.json`,
  apiKeysPrefix: () => `${PREFIXES.auth}api-keys/`,
  trainingCheckpoint: (jobId: string) => `${PREFIXES.training}${assertSafeId('run', jobId)}/checkpoint/`,
};

/** Zero-padded so that lexical order of part keys is window order. */
export function windowName(window: number): string {
  if (!Number.isInteger(window) || window < 0) throw new InvalidIdError('window', String(window));
  return String(window).padStart(6, '0');
}

/** Parse `s3://bucket/prefix` into its parts. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new Error(`not an S3 URL: ${JSON.stringify(url)} (expected s3://bucket/prefix)`);
  return { bucket: m[1], prefix: normalisePrefix(m[2] ?? '') };
}

/**
 * Why an object key from a request is not acceptable, or undefined when it is. Keys are relative
 * to the bucket and name one object: no leading "/", no empty segment ("a//b", a trailing "/"),
 * no "." or ".." segment, no control character or backslash (a key is also a file path when
 * results are downloaded).
 */
export function requestKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'is empty';
  if (key.length > 1024) return 'is longer than 1024 characters';
  return pathProblem(key);
}

/**
 * The same for a prefix ("a folder"): empty means the whole bucket, and one trailing "/" is
 * allowed (`recordings/mitdb/`); otherwise the rules of requestKeyProblem.
 */
export function requestPrefixProblem(prefix: string): string | undefined {
  if (prefix === '' || prefix === '/') return prefix === '/' ? 'may not start with "/"' : undefined;
  if (prefix.length > 512) return 'is longer than 512 characters';
  return pathProblem(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

function pathProblem(path: string): string | undefined {
  if (path.startsWith('/')) return 'may not start with "/" (keys are relative to the bucket)';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return 'may not contain control characters or "\\"';
  const segments = path.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return 'may not contain "." or ".." segments';
  if (segments.some((s) => s === '')) return 'may not contain an empty segment ("//" or a trailing "/")';
  return undefined;
}
