/**
 * `holterflow train` (local mode) and `holterflow evaluate` as a user runs them: a real process,
 * a small synthetic beat dataset, one epoch of the seed CNN on wasm.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeBeatDataset } from '@holterflow/training';
import { syntheticDataset } from '../../../libs/training/test/helpers/synthetic.js';

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;
const run = promisify(execFile);

async function holterflow(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      timeout: 240_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test(
  'train writes a model version; evaluate prints the table and a JSON line matching its metrics',
  { timeout: 300_000 },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'holterflow-train-cli-'));
    try {
      const data = join(dir, 'beats.parquet');
      await writeFile(data, writeBeatDataset(syntheticDataset([250, 30, 60, 15, 50], 21)));
      const trained = await holterflow([
        'train',
        '--data',
        data,
        '--protocol',
        'intra',
        '--epochs',
        '1',
        '--version',
        'cli-1',
        '--out',
        dir,
        '--backend',
        'wasm',
      ]);
      assert.equal(trained.code, 0, trained.stderr);
      const metrics = JSON.parse(await readFile(join(dir, 'models/cli-1/metrics.json'), 'utf8'));
      assert.equal(metrics.epochs, 1);

      const evaluated = await holterflow([
        'evaluate',
        '--model',
        'cli-1',
        '--data',
        data,
        '--protocol',
        'intra',
        '--store',
        dir,
        '--backend',
        'wasm',
      ]);
      assert.equal(evaluated.code, 0, evaluated.stderr);
      const lines = evaluated.stdout.trim().split('\n');
      assert.match(lines[0], /^class\s+precision\s+recall\s+f1\s+support \| seed/);
      const last = JSON.parse(lines[lines.length - 1]);
      assert.equal(last.accuracy, metrics.test.accuracy);
      assert.equal(last.macroF1, metrics.test.macroF1);

      const missing = await holterflow([
        'evaluate',
        '--model',
        'nope',
        '--data',
        data,
        '--protocol',
        'intra',
        '--store',
        dir,
      ]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /model version nope does not exist \(no models\/nope\/model.json\)/);
      const badProtocol = await holterflow(['train', '--data', data, '--protocol', 'cross']);
      assert.equal(badProtocol.code, 1);
      assert.match(badProtocol.stderr, /protocol must be intra .* or inter/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
