import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readBeatDataset } from '@holterflow/training';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/mitdb');
const holterflow = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', ...args], {
    cwd: ROOT,
    maxBuffer: 1 << 20,
  });

test('qrs-eval prints a per-record table and ends with one JSON line of gross figures', async () => {
  const { stdout } = await holterflow('qrs-eval', FIXTURES, '--records', '100,232');
  const lines = stdout.trim().split('\n');
  assert.match(lines[0], /^record\s+lead\s+ref\s+TP\s+FN\s+FP\s+Se%\s+\+P%/);
  assert.match(lines[1], /^100\s+MLII\s+2273\s+/);
  assert.match(lines[2], /^232\s+MLII\s+1780\s+/);
  const gross = JSON.parse(lines[lines.length - 1]) as {
    records: number;
    tp: number;
    fn: number;
    fp: number;
    se: number;
    ppv: number;
  };
  assert.equal(gross.records, 2);
  assert.equal(gross.tp + gross.fn, 2273 + 1780);
  assert.ok(gross.se >= 0.995 && gross.ppv >= 0.995, stdout);
});

test('dataset build writes a readable Parquet beat dataset and prints the class counts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'holterflow-dataset-'));
  try {
    const out = join(dir, 'beats.parquet');
    const { stdout } = await holterflow('dataset', 'build', FIXTURES, '--out', out, '--records', '119');
    const summary = JSON.parse(stdout.trim().split('\n').pop()!) as {
      beats: number;
      counts: Record<string, number>;
    };
    // MIT-BIH 119: 1,543 normal beats and 444 ventricular ectopic beats.
    assert.deepEqual(summary.counts, { N: 1543, S: 0, V: 444, F: 0, Q: 0 });
    const ds = await readBeatDataset(readFileSync(out));
    assert.equal(ds.labels.length, 1987);
    assert.ok(ds.recordIds.every((id) => id === '119'));
    assert.equal(ds.x2, undefined, "the second lead's cut only with --second-lead");
    await holterflow('dataset', 'build', FIXTURES, '--out', out, '--records', '119', '--second-lead');
    const both = await readBeatDataset(readFileSync(out));
    assert.deepEqual(both.x, ds.x);
    assert.equal(both.x2?.length, ds.x.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
