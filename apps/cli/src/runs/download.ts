/**
 * `holterflow results`: a run's outputs from S3 into a local directory, keys kept as paths, its
 * tables in the format asked for. Everything it needs is in S3, so no coordinator is asked.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { keys, RecordErrorSchema, RecordSummarySchema, RunManifestSchema } from '@holterflow/contracts';
import {
  asyncBufferFromBytes,
  beatResultsCsv,
  readBeatResultsParquet,
  type BeatResults,
} from '@holterflow/formats';
import { ObjectStore } from '@holterflow/storage';
import { formatMegabytes } from '../ingest/report.js';
import { storageForCommand } from '../storage-target.js';

export interface Downloaded {
  files: string[];
  bytes: number;
}

/**
 * Tables in one format: csv (summary.csv, beats.csv), parquet (summary.parquet, beats.parquet)
 * or json (summary.json of the run: every record's summary or error; beats.json); absent: the
 * objects as the run wrote them (CSV and Parquet summaries, beats.parquet).
 */
export type ResultsFormat = 'csv' | 'parquet' | 'json';
export const RESULTS_FORMATS: readonly ResultsFormat[] = ['csv', 'parquet', 'json'];

function beatsJson(r: BeatResults): string {
  const k = 5;
  const rows = Array.from({ length: r.samples.length }, (_, i) => ({
    sample: r.samples[i],
    time_s: r.timeS[i],
    class: r.classes[i],
    p: Array.from(r.probabilities.subarray(i * k, (i + 1) * k)),
    rr_prev_ms: Number.isNaN(r.rrPrevMs[i]) ? null : r.rrPrevMs[i],
    rr_next_ms: Number.isNaN(r.rrNextMs[i]) ? null : r.rrNextMs[i],
    window: r.window[i],
  }));
  return `${JSON.stringify(rows)}\n`;
}

/**
 * manifest.json, the run summary and every per-record file (beats, summary.json,
 * evaluation.json, error.json, report.html) — not the window parts, which are intermediate.
 * Objects the run has not written (yet) are skipped.
 */
export async function downloadRunResults(
  store: ObjectStore,
  runId: string,
  outDir: string,
  format?: ResultsFormat,
): Promise<Downloaded> {
  const runPrefix = keys.runPrefix(runId);
  const root = resolve(outDir);
  const files: string[] = [];
  let bytes = 0;
  const save = async (relativePath: string, body: Uint8Array | string) => {
    const path = join(root, relativePath);
    if (relative(root, path).startsWith('..'))
      throw new Error(`${relativePath} would be written outside ${root}`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    files.push(path);
    bytes += typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  };

  const runLevel = [keys.runManifest(runId)];
  if (format !== 'json' && format !== 'parquet') runLevel.push(keys.runSummaryCsv(runId));
  if (format !== 'json' && format !== 'csv') runLevel.push(keys.runSummaryParquet(runId));
  for (const key of runLevel)
    if (await store.exists(key)) await save(key.slice(runPrefix.length), await store.get(key));

  const records: unknown[] = [];
  for await (const o of store.list(`${runPrefix}records/`)) {
    const name = o.key.slice(runPrefix.length);
    const body = await store.get(o.key);
    if (format === 'json' && name.endsWith('/summary.json'))
      records.push(RecordSummarySchema.parse(JSON.parse(Buffer.from(body).toString('utf8'))));
    if (format === 'json' && name.endsWith('/error.json'))
      records.push(RecordErrorSchema.parse(JSON.parse(Buffer.from(body).toString('utf8'))));
    if (name.endsWith('/beats.parquet') && (format === 'csv' || format === 'json')) {
      const { results } = await readBeatResultsParquet(asyncBufferFromBytes(body), o.key);
      const base = name.slice(0, -'.parquet'.length);
      await save(
        `${base}.${format}`,
        format === 'csv' ? [...beatResultsCsv(results)].join('') : beatsJson(results),
      );
      continue;
    }
    await save(name, body);
  }
  if (format === 'json') await save('summary.json', `${JSON.stringify({ runId, records }, null, 2)}\n`);
  return { files, bytes };
}

/**
 * The `results` command: the run's manifest must be in the bucket — otherwise this is the wrong
 * stack, bucket or run id, and the error names all three instead of downloading nothing quietly.
 */
export async function downloadRunResultsCommand(
  runId: string,
  outDir: string,
  bucket?: string,
  format?: ResultsFormat,
): Promise<void> {
  const config = storageForCommand(bucket);
  const store = new ObjectStore(config);
  try {
    const manifestKey = keys.runManifest(runId);
    if (!(await store.exists(manifestKey)))
      throw new Error(
        `no run ${runId} in bucket ${store.bucket} at ${config.endpoint ?? 'AWS S3'} ` +
          `(no ${manifestKey}); check the run id, --bucket and HOLTERFLOW_S3_ENDPOINT`,
      );
    const manifest = await store.getJson(manifestKey, RunManifestSchema);
    const { files, bytes } = await downloadRunResults(store, runId, outDir, format);
    console.log(
      `${files.length} files (${formatMegabytes(bytes)} MB) from s3://${store.bucket}/runs/${runId}/ into ${outDir}`,
    );
    if (!manifest.completedAt)
      console.log(
        `note: the run is not complete${manifest.cancelledAt ? ' (cancelled)' : ''}; its summary is not final`,
      );
  } finally {
    store.destroy();
  }
}
