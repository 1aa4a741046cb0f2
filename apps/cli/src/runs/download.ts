/**
 * `holterflow results`: a run's outputs from S3 into a local directory, keys kept as paths.
 * Everything it needs is in S3, so no coordinator is asked.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { keys, RunManifestSchema } from '@holterflow/contracts';
import { ObjectStore } from '@holterflow/storage';
import { formatMegabytes } from '../ingest/report.js';
import { storageForCommand } from '../storage-target.js';

export interface Downloaded {
  files: string[];
  bytes: number;
}

/**
 * summary.csv, summary.parquet, manifest.json and every per-record file (beats.parquet,
 * summary.json, evaluation.json, error.json, report.html) — not the window parts, which are
 * intermediate. Objects the run has not written (yet) are skipped.
 */
export async function downloadRunResults(
  store: ObjectStore,
  runId: string,
  outDir: string,
): Promise<Downloaded> {
  const runPrefix = keys.runPrefix(runId);
  const wanted = [keys.runSummaryCsv(runId), keys.runSummaryParquet(runId), keys.runManifest(runId)];
  for await (const o of store.list(`${runPrefix}records/`)) wanted.push(o.key);
  const root = resolve(outDir);
  const files: string[] = [];
  let bytes = 0;
  for (const key of wanted) {
    if (!(await store.exists(key))) continue;
    const path = join(root, key.slice(runPrefix.length));
    if (relative(root, path).startsWith('..'))
      throw new Error(`object ${key} would be written outside ${root}`);
    const body = await store.get(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    files.push(path);
    bytes += body.byteLength;
  }
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
    const { files, bytes } = await downloadRunResults(store, runId, outDir);
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
