/**
 * Planning 1,000 24-hour recordings through the coordinator's planner and flow producer, against
 * a real S3 server (s3rver) and Redis (own key prefix, deleted afterwards): total time per
 * phase and the longest event-loop stall while it runs (a 1 ms ticker's worst gap, and
 * perf_hooks' event-loop delay p99/max). The recordings are 24 h × 2 leads at 360 Hz with
 * the default layout (238 row groups: the footer a planner reads), with a flat signal so that
 * 1,000 of them fit on disk; planning never reads the signal, so its values do not matter.
 * Run: node --import tsx bench/planning.ts [recordings=1000] [windowSeconds=1800]
 */
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { QUEUES, RunRequestSchema, keys } from '@holterflow/contracts';
import { RunManifests } from '@holterflow/runs';
import { writeRecordingParquet } from '@holterflow/formats';
import { ObjectStore } from '@holterflow/storage';
import { enqueueRun, FLOW_CHUNK_JOBS } from '../apps/coordinator/src/runs/flow.js';
import { FOOTER_CONCURRENCY, planRun } from '../apps/coordinator/src/runs/plan.js';
import pMap from 'p-map';
import { connectTestRedis } from '../test/support/redis.js';
import { startS3rver } from '../test/support/s3rver.js';

const count = Number(process.argv[2] ?? 1000);
const windowSeconds = Number(process.argv[3] ?? 1800);
const fs = 360;
const samples = 24 * 3600 * fs;

const s3 = await startS3rver();
const redis = await connectTestRedis('bench-planning');
const store = new ObjectStore(s3.config);
const connection = redis.newConnection();
const queues = {
  connection,
  prefix: redis.prefix,
  classify: new Queue(QUEUES.classify, { connection, prefix: redis.prefix }),
  summarize: new Queue(QUEUES.summarize, { connection, prefix: redis.prefix }),
  finalize: new Queue(QUEUES.finalize, { connection, prefix: redis.prefix }),
};
try {
  let t = performance.now();
  const flat = new Float32Array(samples);
  const bytes = writeRecordingParquet({
    recordId: 'h24',
    fs,
    leads: ['MLII', 'V5'],
    signals: [flat, flat],
    source: 'bench',
  });
  console.log(
    `one 24 h two-lead recording: ${(bytes.byteLength / 1e3).toFixed(0)} kB, written in ${sec(t)} s`,
  );
  t = performance.now();
  const ids = Array.from({ length: count }, (_, i) => `h${String(i).padStart(5, '0')}`);
  await pMap(ids, (id) => store.put(keys.recording('archive', id), bytes), { concurrency: 16 });
  console.log(`uploaded ${count} recordings in ${sec(t)} s`);

  // The measurement: a 1 ms ticker and perf_hooks' histogram while planning and queueing run.
  const t0 = performance.now();
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  // On a shared machine a gap also contains time the OS gave other processes, so each gap is
  // reported with the CPU time this process spent inside it: a gap that is mostly our CPU is a
  // stall our code caused; one that is not is the scheduler.
  let worstGap = 0;
  let worstCpuGap = 0;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const ticker = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    worstGap = Math.max(worstGap, now - last);
    worstCpuGap = Math.max(worstCpuGap, Math.min(cpuMs, now - last));
    if (now - last > 50 && process.env.BENCH_DEBUG)
      console.log(
        `gap ${(now - last).toFixed(0)} ms (cpu ${cpuMs.toFixed(0)} ms) at ${(now - t0).toFixed(0)} ms`,
      );
    last = now;
    lastCpu = process.cpuUsage();
  }, 1);
  histogram.enable();
  const request = RunRequestSchema.parse({
    bucket: s3.bucket,
    prefix: 'archive',
    model: 'bench',
    options: { windowSeconds },
  });
  const manifest = await planRun(store, request, 'bench-run', 'bench');
  const tPlanned = performance.now();
  const planningStall = { wall: worstGap, cpu: worstCpuGap };
  worstGap = 0;
  worstCpuGap = 0;
  await new RunManifests(store).create(manifest);
  const tManifest = performance.now();
  const report = await enqueueRun(queues, manifest);
  const tQueued = performance.now();
  histogram.disable();
  clearInterval(ticker);

  const jobs = await queues.classify.getJobCounts('waiting');
  console.log(
    `planned ${manifest.records.length} records (${manifest.rejected.length} rejected) from footers in ${((tPlanned - t0) / 1000).toFixed(2)} s ` +
      `(${FOOTER_CONCURRENCY} at once); manifest ${((tManifest - tPlanned) / 1000).toFixed(2)} s; ` +
      `flow of ${report.jobs} jobs (${jobs.waiting} classify waiting) in ${report.chunks} chunks of ~${FLOW_CHUNK_JOBS} jobs: ${((tQueued - tManifest) / 1000).toFixed(2)} s`,
  );
  console.log(`total ${((tQueued - t0) / 1000).toFixed(2)} s for ${count} recordings`);
  console.log(
    `event loop, longest gap of a 1 ms ticker (wall / own CPU inside it): planning ${planningStall.wall.toFixed(0)} / ${planningStall.cpu.toFixed(0)} ms, ` +
      `queueing ${worstGap.toFixed(0)} / ${worstCpuGap.toFixed(0)} ms; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores; delay p99 ${(histogram.percentile(99) / 1e6).toFixed(1)} ms, max ${(histogram.max / 1e6).toFixed(1)} ms`,
  );
} finally {
  for (const q of [queues.classify, queues.summarize, queues.finalize]) await q.close();
  connection.disconnect();
  store.destroy();
  await redis.cleanup();
  await s3.stop();
}

function sec(t: number): string {
  return ((performance.now() - t) / 1000).toFixed(2);
}
