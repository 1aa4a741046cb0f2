/**
 * Retries for S3 calls: exponential backoff with full jitter (AWS Architecture Blog,
 * "Exponential Backoff And Jitter") on throttling, 5xx and network errors. Client errors
 * (4xx such as NoSuchKey, AccessDenied) fail at once: repeating them cannot help.
 *
 * We retry here rather than in the SDK because a GET is only done once its body has been read:
 * a connection reset halfway through a body happens after the SDK has returned.
 */
import type { RetryPolicy } from './config.js';

/** Throttling and server-side codes S3, MinIO and GCS interop answer with. */
const RETRYABLE_S3_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'TooManyRequests',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalError',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

interface SdkLikeError {
  name?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** The S3 error code or Node error code of a failure, when it has one. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as SdkLikeError;
  const code = e.Code ?? e.code ?? e.name;
  return code && code !== 'Error' ? code : undefined;
}

export function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  return (err as SdkLikeError).$metadata?.httpStatusCode;
}

/** True for failures another attempt may fix: throttling (429, SlowDown), 5xx, network. */
export function isRetryable(err: unknown): boolean {
  const status = httpStatusOf(err);
  if (status !== undefined && (status === 429 || status >= 500)) return true;
  const code = errorCode(err);
  if (code !== undefined && (RETRYABLE_S3_CODES.has(code) || NETWORK_CODES.has(code))) return true;
  if (code === 'TimeoutError' || code === 'RequestTimeout') return true;
  // A status below 500 other than 429 is the caller's problem (missing key, denied, bad range).
  return false;
}

/** Delay before retry `retryNumber` (1-based): uniform in [0, min(max, base * 2^(n-1))]. */
export function backoffDelayMs(policy: RetryPolicy, retryNumber: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Runs `attempt` until it succeeds, a non-retryable error occurs, or the policy's attempts are
 * used up. The final failure is an `AttemptsFailed` carrying the attempt count and last error.
 */
export async function withRetry<T>(policy: RetryPolicy, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isRetryable(err) || n >= policy.maxAttempts) throw new AttemptsFailed(n, err);
      await sleep(backoffDelayMs(policy, n));
    }
  }
}

/** Carries the number of attempts made alongside the last error. */
export class AttemptsFailed extends Error {
  override readonly name = 'AttemptsFailed';
  constructor(
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(`failed after ${attempts} attempt(s)`, { cause: lastError });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
