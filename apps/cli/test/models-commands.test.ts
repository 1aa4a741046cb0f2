/**
 * `holterflow models` and `holterflow models promote` as a user runs them: a real process over a
 * directory store holding the shipped version's metrics.json and model.json (no weights: the
 * registry never reads them), a second version, and a broken one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;
const SHIPPED = new URL('../../../models/seed-cnn-intra-v1/', import.meta.url).pathname;
const run = promisify(execFile);
let dir: string;

async function holterflow(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'holterflow-models-cli-'));
  const shipped = join(dir, 'models/seed-cnn-intra-v1');
  await mkdir(shipped, { recursive: true });
  for (const file of ['metrics.json', 'model.json']) await copyFile(join(SHIPPED, file), join(shipped, file));
  await writeFile(join(dir, 'models/DEFAULT'), 'seed-cnn-intra-v1\n');

  const inter = join(dir, 'models/inter-2');
  await mkdir(inter);
  await writeFile(join(inter, 'model.json'), '{}');
  await writeFile(
    join(inter, 'metrics.json'),
    JSON.stringify({
      version: 'inter-2',
      protocol: 'inter',
      complete: true,
      test: { accuracy: 0.8123, macroF1: 0.5556 },
      bestEpoch: 9,
      epochs: 14,
      plannedEpochs: 40,
    }),
  );
  await mkdir(join(dir, 'models/half-written'));
  await writeFile(join(dir, 'models/half-written/metrics.json'), '{"version":');
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The table's rows by version, cells split on runs of spaces (the marker kept apart). */
function rows(stdout: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of stdout.split('\n').slice(2)) {
    const m = /^([* ]) (\S+)\s+(.*)$/.exec(line);
    if (!m) break;
    out[m[2]] = [m[1], ...m[3].split(/\s{2,}/)];
  }
  return out;
}

test('models prints one row per version with its test figures, the default marked *', async () => {
  const listed = await holterflow(['models', '--store', dir]);
  assert.equal(listed.code, 0, listed.stderr);
  const table = rows(listed.stdout);
  assert.deepEqual(Object.keys(table), ['half-written', 'inter-2', 'seed-cnn-intra-v1']);
  // The shipped metrics.json, formatted as the table formats it (the figures change whenever a
  // retrained model is shipped, so they are read, not written here).
  const shippedMetrics = JSON.parse(await readFile(join(SHIPPED, 'metrics.json'), 'utf8'));
  assert.deepEqual(table['seed-cnn-intra-v1'].slice(0, 7), [
    '*',
    'intra',
    `${shippedMetrics.epochs}/${shippedMetrics.plannedEpochs}`,
    String(shippedMetrics.bestEpoch),
    `${(100 * shippedMetrics.test.accuracy).toFixed(2)}%`,
    shippedMetrics.test.macroF1.toFixed(3),
    shippedMetrics.complete ? 'yes' : 'interim',
  ]);
  assert.deepEqual(table['inter-2'].slice(0, 7), [' ', 'inter', '14/40', '9', '81.23%', '0.556', 'yes']);
  assert.deepEqual(table['half-written'].slice(0, 7), [' ', '-', '-', '-', '-', '-', 'unusable']);
  assert.match(listed.stdout, /^half-written: no model\.json: runs cannot use it/m);
  assert.match(listed.stdout, /^half-written: .*models\/half-written\/metrics\.json is unreadable/m);
  assert.match(listed.stdout, /^\* default for new runs: seed-cnn-intra-v1$/m);

  const json = await holterflow(['models', '--store', dir, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const listing = JSON.parse(json.stdout);
  assert.equal(listing.defaultVersion, 'seed-cnn-intra-v1');
  const shipped = listing.versions.find((v: { version: string }) => v.version === 'seed-cnn-intra-v1');
  const metrics = JSON.parse(await readFile(join(SHIPPED, 'metrics.json'), 'utf8'));
  assert.equal(shipped.accuracy, metrics.test.accuracy);
  assert.equal(shipped.macroF1, metrics.test.macroF1);
  assert.equal(shipped.trainingSeconds, metrics.trainingSeconds);
});

test('models promote: an unknown version exits 1 naming it and where it looked; a known one moves DEFAULT', async () => {
  const unknown = await holterflow(['models', 'promote', 'v404', '--store', dir]);
  assert.equal(unknown.code, 1);
  assert.equal(
    unknown.stderr.trim(),
    `holterflow: model version v404 does not exist: no ${dir}/models/v404/model.json`,
  );
  const unfinished = await holterflow(['models', 'promote', 'half-written', '--store', dir]);
  assert.equal(unfinished.code, 1);
  assert.equal(await readFile(join(dir, 'models/DEFAULT'), 'utf8'), 'seed-cnn-intra-v1\n');

  const promoted = await holterflow(['models', 'promote', 'inter-2', '--store', dir]);
  assert.equal(promoted.code, 0, promoted.stderr);
  assert.equal(promoted.stdout.trim(), 'default model: seed-cnn-intra-v1 → inter-2');
  assert.equal(await readFile(join(dir, 'models/DEFAULT'), 'utf8'), 'inter-2\n');
  const table = rows((await holterflow(['models', '--store', dir])).stdout);
  assert.deepEqual(
    Object.entries(table).map(([version, cells]) => [version, cells[0]]),
    [
      ['half-written', ' '],
      ['inter-2', '*'],
      ['seed-cnn-intra-v1', ' '],
    ],
  );

  // --store may come before the sub-command as well.
  const back = await holterflow(['models', '--store', dir, 'promote', 'seed-cnn-intra-v1']);
  assert.equal(back.code, 0, back.stderr);
  assert.equal(back.stdout.trim(), 'default model: inter-2 → seed-cnn-intra-v1');
});
