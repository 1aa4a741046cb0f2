/**
 * `holterflow results --format` and `holterflow report [--pdf]` as a user runs them: real
 * processes against a real coordinator, Redis and S3 server, over a run whose outputs are
 * written as summarize writes them (test/support/report-run.ts). The PDF is printed by headless
 * Chromium when installed; without one the command must say so and exit 1.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { chromiumUnavailable, pdfPageCount } from '@holterflow/report';
import { ObjectStore, storageEnvOf } from '@holterflow/storage';
import { connectTestRedis, type TestRedis } from '../../../test/support/redis.js';
import { startS3rver, type S3rverHandle } from '../../../test/support/s3rver.js';
import { startTestCoordinator } from '../../../test/support/coordinator.js';
import { jsonClient } from '../../../test/support/http.js';
import { putReportedRun } from '../../../test/support/report-run.js';
import { chromiumPath } from '../../../test/support/chromium.js';
import type { BeatResults } from '@holterflow/formats';

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;
const RUN = 'cli-results';
const exec = promisify(execFile);
let redis: TestRedis;
let s3: S3rverHandle;
let store: ObjectStore;
let app: INestApplication;
let base: string;
let dir: string;
let beats: BeatResults;
/** What an analyst runs these commands with: a key of the analyst role. */
let analystKey: string;

async function holterflow(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    ...storageEnvOf(s3.config),
    HOLTERFLOW_COORDINATOR_URL: base,
    HOLTERFLOW_API_KEY: analystKey,
  };
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      timeout: 120_000,
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  store = new ObjectStore(s3.config);
  beats = await putReportedRun(store, s3.config.bucket, RUN);
  ({ app, base } = await startTestCoordinator(redis, s3));
  analystKey = (await jsonClient(() => base)('POST', '/admin/keys', { role: 'analyst' })).json.key;
  dir = await mkdtemp(join(tmpdir(), 'holterflow-results-cli-'));
});

after(async () => {
  await app?.close();
  store?.destroy();
  await s3?.stop();
  await redis?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('results --format csv: beats.csv instead of beats.parquet, every beat in it', async () => {
  const out = join(dir, 'csv');
  const r = await holterflow(['results', RUN, '--out', out, '--format', 'csv']);
  assert.equal(r.code, 0, r.stderr);
  const files = await readdir(join(out, 'records/208'));
  assert.deepEqual(files.sort(), ['beats.csv', 'report.html', 'summary.json']);
  const lines = (await readFile(join(out, 'records/208/beats.csv'), 'utf8')).trim().split('\n');
  assert.equal(lines.length, beats.samples.length + 1);
  assert.match(lines[1], new RegExp(`^${beats.samples[0]},`));
  assert.deepEqual(await readdir(join(out, 'records/bad')), ['error.json']);
});

test('results --format json: one summary.json with every record (summary or error), beats.json', async () => {
  const out = join(dir, 'json');
  const r = await holterflow(['results', RUN, '--out', out, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const run = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as {
    records: { recordId: string; beats?: number; error?: string }[];
  };
  const byId = new Map(run.records.map((x) => [x.recordId, x]));
  assert.equal(byId.get('208')?.beats, beats.samples.length);
  assert.match(byId.get('bad')?.error ?? '', /not a Parquet file/);
  const rows = JSON.parse(await readFile(join(out, 'records/208/beats.json'), 'utf8')) as { class: string }[];
  assert.equal(rows.length, beats.samples.length);
  assert.equal(rows.filter((x) => x.class === 'V').length, 992);
});

test('results --format xml is refused with the formats it takes', async () => {
  const r = await holterflow(['results', RUN, '--out', join(dir, 'x'), '--format', 'xml']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /use one of csv, parquet, json/);
});

test('report --pdf: report.html saved, and an A4 PDF where Chromium is installed (else a clear message)', async () => {
  const html = join(dir, 'r208.html');
  const r = await holterflow(['report', RUN, '208', '--out', html, '--pdf']);
  const missing = chromiumUnavailable(chromiumPath());
  assert.match(await readFile(html, 'utf8'), /Holter report — record 208/);
  if (missing) {
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no PDF: no headless Chromium/);
    return;
  }
  assert.equal(r.code, 0, r.stderr);
  const pages = Number(/PDF \((\d+) A4 pages\)/.exec(r.stdout)?.[1]);
  const pdf = await readFile(join(dir, 'r208.pdf'));
  assert.equal(pdfPageCount(pdf), pages);
  assert.ok(pages >= 4, `${pages} pages`);
});

test('report of a failed record: exit 1 with the reason', async () => {
  const r = await holterflow(['report', RUN, 'bad', '--out', join(dir, 'bad.html')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /record bad failed: record bad: not a Parquet file/);
});
