/** `holterflow results`: a run's outputs from S3 into a local directory, keys kept as paths. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { keys } from '@holterflow/contracts';
import type { ObjectStore } from '@holterflow/storage';

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
