/**
 * The run id of a request: a hash of what the run computes (bucket, recordings, resolved model
 * version, options), so submitting the same request again — or the same request after the
 * coordinator restarted — names the same run and resumes it instead of starting a second one.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_REPORT_OPTIONS, type RunRequest } from '@holterflow/contracts';

export function deriveRunId(request: RunRequest, modelVersion: string): string {
  const identity = {
    bucket: request.bucket,
    prefix: request.prefix ?? null,
    // Only when set: ids of requests made before the field existed must not change.
    ...(request.recursive === false ? { recursive: false } : {}),
    recordings: request.recordings ? [...new Set(request.recordings)].sort() : null,
    model: modelVersion,
    options: {
      windowSeconds: request.options.windowSeconds,
      marginSeconds: request.options.marginSeconds,
      // Report settings change the outputs, so they name another run; the defaults are left out
      // so that runs submitted before the settings existed keep their ids.
      ...(isDeepStrictEqual(request.options.report, DEFAULT_REPORT_OPTIONS)
        ? {}
        : { report: request.options.report }),
    },
  };
  return `run-${createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16)}`;
}
