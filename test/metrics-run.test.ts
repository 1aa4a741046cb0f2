/**
 * /metrics scraped while a real run goes through a real worker process: the classify backlog
 * falls to 0 while the beats counter rises to the run's total; job durations, recorded hours,
 * workers by role and engine, and Node's default process metrics are there.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { ObjectStore, storageEnvOf } from '@holterflow/storage';
import { connectTestRedis, type TestRedis } from './support/redis.js';
import { startS3rver, type S3rverHandle } from './support/s3rver.js';
import { spawnWorkerProcess, type WorkerProcess } from './support/worker-process.js';
import { ingestFixtures, saveSeedModel } from './support/run-fixtures.js';
import { windowCount } from '../apps/coordinator/src/runs/plan.js';
import { startTestCoordinator } from './support/coordinator.js';
import { jsonClient, type Json } from './support/http.js';

let redis: TestRedis;
let s3: S3rverHandle;
let store: ObjectStore;
let app: INestApplication;
let base: string;
let worker: WorkerProcess;
const http = jsonClient(() => base);

/** The value of one sample line (`name{labels} value`), 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

async function scrape(): Promise<string> {
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

before(async () => {
  redis = await connectTestRedis(import.meta.url);
  s3 = await startS3rver();
  store = new ObjectStore(s3.config);
  await ingestFixtures(store, 'mitdb', ['100', '208']);
  await saveSeedModel(store, 'seed-1');
  ({ app, base } = await startTestCoordinator(redis, s3));
  worker = spawnWorkerProcess({ ...storageEnvOf(s3.config), ...redis.env });
  const deadline = Date.now() + 90_000;
  while (!/running roles: classify/.test(worker.log)) {
    if (Date.now() > deadline) throw new Error(`worker did not start:\n${worker.log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
});

after(async () => {
  if (worker && worker.child.exitCode === null && worker.child.signalCode === null)
    worker.child.kill('SIGKILL');
  await app?.close();
  store?.destroy();
  await s3?.stop();
  await redis?.cleanup();
});

test('scraped during a run: the classify backlog falls and the beats counter rises to the run total', async () => {
  // The queue is paused while the run is planned so the first scrape sees the whole backlog.
  assert.equal((await http('POST', '/queues/classify/pause')).status, 200);
  const run = await http('POST', '/runs', {
    prefix: 'mitdb',
    model: 'seed-1',
    options: { windowSeconds: 120 },
  });
  assert.equal(run.status, 202, JSON.stringify(run.json));
  const windows = 2 * windowCount(650_000, 360, 120); // two 30-min records, 2-min windows (the planner's rule)
  const series: { backlog: number; beats: number }[] = [];
  const first = await scrape();
  series.push({
    backlog: sample(first, 'holterflow_queue_backlog{queue="classify"}'),
    beats: sample(first, 'holterflow_beats_classified_total'),
  });
  assert.equal(series[0].backlog, windows, 'every window is waiting before the worker starts');
  assert.equal((await http('POST', '/queues/classify/resume')).status, 200);

  let status: Json;
  const deadline = Date.now() + 240_000;
  do {
    await new Promise((r) => setTimeout(r, 250));
    const text = await scrape();
    series.push({
      backlog: sample(text, 'holterflow_queue_backlog{queue="classify"}'),
      beats: sample(text, 'holterflow_beats_classified_total'),
    });
    status = (await http('GET', `/runs/${run.json.runId}`)).json;
    if (Date.now() > deadline)
      throw new Error(`run did not finish: ${JSON.stringify(status)}\n${worker.log.slice(-2000)}`);
  } while (status.state !== 'completed' && status.state !== 'failed');
  assert.equal(status.state, 'completed');

  // QueueEvents may deliver the last completions just after the run reads as complete.
  let text = await scrape();
  for (let i = 0; i < 40 && sample(text, 'holterflow_beats_classified_total') < status.beats; i++) {
    await new Promise((r) => setTimeout(r, 250));
    text = await scrape();
  }
  series.push({
    backlog: sample(text, 'holterflow_queue_backlog{queue="classify"}'),
    beats: sample(text, 'holterflow_beats_classified_total'),
  });
  const backlogs = series.map((s) => s.backlog);
  const beats = series.map((s) => s.beats);
  assert.equal(backlogs.at(-1), 0);
  assert.ok(
    backlogs.some((b) => b > 0 && b < windows),
    `an intermediate backlog was seen: ${backlogs.join(',')}`,
  );
  for (let i = 1; i < beats.length; i++)
    assert.ok(beats[i] >= beats[i - 1], 'the beats counter never goes down');
  assert.ok(
    beats.some((b) => b > 0 && b < status.beats),
    `beats were seen rising: ${beats.join(',')}`,
  );
  assert.equal(beats.at(-1), status.beats, 'the counter ends at the beats the run classified');

  assert.equal(sample(text, 'holterflow_job_duration_seconds_count{queue="classify"}'), windows);
  assert.ok(sample(text, 'holterflow_job_duration_seconds_sum{queue="classify"}') > 0);
  assert.equal(sample(text, 'holterflow_job_duration_seconds_count{queue="summarize"}'), 2);
  assert.ok(Math.abs(sample(text, 'holterflow_recorded_hours_total') - status.recordedHours) < 1e-6);
  assert.equal(sample(text, 'holterflow_workers{role="classify",engine="onnxruntime-node cpu"}'), 1);
  assert.ok(sample(text, 'process_cpu_user_seconds_total') > 0, 'default process metrics');
  assert.match(text, /holterflow_queue_jobs\{queue="classify",state="completed"\} \d+/);
});
