/**
 * A run's progress, computed from its three sources of truth and nothing else, so any
 * coordinator (a restarted one included) answers the same: the manifest (what was planned),
 * BullMQ job states (what is queued, running, failed, with timestamps), and the objects in S3
 * (what is done — summary.json is written last by summarize, so its existence means done).
 */
import { Job } from 'bullmq';
import {
  RecordErrorSchema,
  RecordSummarySchema,
  keys,
  runJobIds,
  type AamiClass,
  type PlannedRecord,
  type RecordSummary,
  type RunManifest,
} from '@holterflow/contracts';
import type { ObjectStore } from '@holterflow/storage';
import type { RecordState, RecordStatus, RunState, RunStatus } from '@holterflow/contracts';
import { readRunSummaryCounts } from '@holterflow/report';
import { LRUCache } from 'lru-cache';
import pMap from 'p-map';
import { gateOpenedAt, type RunQueues } from './flow.js';

/** Job lookups per status request at once: one Redis round trip each, pipelined by ioredis. */
const LOOKUP_CONCURRENCY = 64;

/**
 * summary.json and error.json never change once written (a rerun writes the same figures): cache
 * what status shows of them, so polling a 1,000-record run's status does not read 1,000 objects
 * each time. Only the counts: a summary with its Holter report is ~100 kB for a 24 h record, too
 * much to keep thousands of. Bounded, least recently used out first: a coordinator serving for
 * months sees every record of every run, and must not hold them all. 20,000 entries (a few
 * hundred bytes each, a few MB in all) keep the records of the runs being watched, which is what
 * the cache is for.
 */
type SummaryCounts = Pick<RecordSummary, 'beats' | 'classCounts'>;
const CACHED_RECORDS = 20_000;
const summaries = new LRUCache<string, SummaryCounts>({ max: CACHED_RECORDS });
const errors = new LRUCache<string, string>({ max: CACHED_RECORDS });

/**
 * A finished run's summary.parquet holds every record's counts: read once per run (and
 * coordinator), it fills the cache above in one request where a cold status of a 1,000-record run
 * read 1,000 summary.json (8–24 s against s3rver after a restart). Only complete rows: their
 * summary.json never changes. A run without the file (finalized by an older version, or the read
 * fails) falls back to reading summary.json per record, as before.
 */
const warmedRuns = new LRUCache<string, true>({ max: 1000 });

async function warmFromRunSummary(store: ObjectStore, manifest: RunManifest): Promise<void> {
  if (!manifest.completedAt) return;
  const key = keys.runSummaryParquet(manifest.runId);
  const cacheKey = `${store.bucket}/${key}`;
  if (warmedRuns.has(cacheKey)) return;
  // Once, whatever the outcome: after a failed read the per-record reads fill the cache anyway.
  warmedRuns.set(cacheKey, true);
  let rows: Awaited<ReturnType<typeof readRunSummaryCounts>>;
  try {
    rows = await readRunSummaryCounts(await store.get(key));
  } catch {
    return;
  }
  for (const row of rows)
    if (row.status === 'complete' && row.beats !== null && row.classCounts)
      summaries.set(`${store.bucket}/${keys.runRecordSummary(manifest.runId, row.recordId)}`, {
        beats: row.beats,
        classCounts: row.classCounts,
      });
}

async function recordSummary(
  store: ObjectStore,
  runId: string,
  recordId: string,
): Promise<SummaryCounts | undefined> {
  const key = keys.runRecordSummary(runId, recordId);
  const cacheKey = `${store.bucket}/${key}`;
  const cached = summaries.get(cacheKey);
  if (cached) return cached;
  if (!(await store.exists(key))) return undefined;
  const { beats, classCounts } = await store.getJson(key, RecordSummarySchema);
  summaries.set(cacheKey, { beats, classCounts });
  return { beats, classCounts };
}

/** The reason summarize wrote into error.json when a record has no results. */
async function recordError(store: ObjectStore, runId: string, recordId: string) {
  const key = keys.runRecordError(runId, recordId);
  const cacheKey = `${store.bucket}/${key}`;
  const cached = errors.get(cacheKey);
  if (cached) return cached;
  if (!(await store.exists(key))) return undefined;
  const { error } = await store.getJson(key, RecordErrorSchema);
  errors.set(cacheKey, error);
  return error;
}

function outputsOf(runId: string, record: PlannedRecord): NonNullable<RecordStatus['outputs']> {
  return {
    beats: keys.runRecordBeats(runId, record.recordId),
    summary: keys.runRecordSummary(runId, record.recordId),
    ...(record.referenceBeatsKey ? { evaluation: keys.runRecordEvaluation(runId, record.recordId) } : {}),
  };
}

function beatsOf(values: Record<string, unknown>): number {
  let beats = 0;
  for (const v of Object.values(values)) {
    const n = (v as { beats?: unknown } | null)?.beats;
    if (typeof n === 'number') beats += n;
  }
  return beats;
}

/** One record: S3 for finished ones (summary.json = done, error.json = failed), BullMQ for the rest. */
export async function recordStatus(
  queues: RunQueues,
  store: ObjectStore,
  manifest: RunManifest,
  record: PlannedRecord,
): Promise<RecordStatus> {
  const base = { recordId: record.recordId, recordingKey: record.recordingKey };
  const windows = { total: record.windows, done: 0, failed: 0 };
  const summarizeId = runJobIds.summarize(manifest.runId, record.recordId);
  const state = await queues.summarize.getJobState(summarizeId);
  const finished = async (): Promise<RecordStatus | undefined> => {
    const summary = await recordSummary(store, manifest.runId, record.recordId);
    if (summary)
      return {
        ...base,
        state: 'done',
        windows: { ...windows, done: record.windows },
        beats: summary.beats,
        classCounts: summary.classCounts as Record<AamiClass, number>,
        outputs: outputsOf(manifest.runId, record),
      };
    const error = await recordError(store, manifest.runId, record.recordId);
    if (error !== undefined) return { ...base, state: 'failed', windows, beats: 0, error };
    return undefined;
  };
  if (state === 'completed' || state === 'unknown') {
    // Completed, or removed (retention, cancel, retry) or not queued yet: S3 says how it ended.
    const outcome = await finished();
    if (outcome) return outcome;
    // A cancelled run's jobs end without outputs (summarize of a cancelled run writes nothing).
    if (manifest.cancelledAt) return { ...base, state: 'cancelled', windows, beats: 0 };
    if (state === 'completed') return { ...base, state: 'summarizing', windows, beats: 0 };
    return { ...base, state: 'queued', windows, beats: 0 };
  }
  const job = await Job.fromId(queues.summarize, summarizeId);
  if (!job) return { ...base, state: 'queued', windows, beats: 0 };
  const [counts, values] = await Promise.all([job.getDependenciesCount(), job.getChildrenValues()]);
  windows.done = counts.processed ?? 0;
  windows.failed = (counts.failed ?? 0) + (counts.ignored ?? 0);
  const beats = beatsOf(values);
  // Failed for good although summarize survives bad windows: S3 or Redis trouble outlasted its retries.
  if (state === 'failed') return { ...base, state: 'failed', windows, beats, error: job.failedReason };
  if (state === 'waiting-children')
    return {
      ...base,
      state: windows.done > 0 || windows.failed > 0 ? 'classifying' : 'queued',
      windows,
      beats,
    };
  return { ...base, state: 'summarizing', windows, beats };
}

/** Every record's status: planned ones from the queues and S3, rejected ones as failed. */
export async function recordStatuses(
  queues: RunQueues,
  store: ObjectStore,
  manifest: RunManifest,
): Promise<RecordStatus[]> {
  await warmFromRunSummary(store, manifest);
  const planned = await pMap(manifest.records, (r) => recordStatus(queues, store, manifest, r), {
    concurrency: LOOKUP_CONCURRENCY,
  });
  const rejected: RecordStatus[] = manifest.rejected.map((r) => ({
    recordId: r.recordId,
    recordingKey: r.recordingKey,
    state: 'failed',
    windows: { total: 0, done: 0, failed: 0 },
    beats: 0,
    error: `not planned: ${r.error}`,
  }));
  return [...planned, ...rejected];
}

export async function runStatus(
  queues: RunQueues,
  store: ObjectStore,
  manifest: RunManifest,
  records: RecordStatus[],
  now: Date = new Date(),
): Promise<RunStatus> {
  const count = (s: RecordState) => records.filter((r) => r.state === s).length;
  const windows = { total: 0, done: 0, failed: 0 };
  let beats = 0;
  let recordedSeconds = 0;
  const planned = new Map(manifest.records.map((r) => [r.recordId, r]));
  for (const r of records) {
    windows.total += r.windows.total;
    windows.done += r.windows.done;
    windows.failed += r.windows.failed;
    beats += r.beats;
    const p = planned.get(r.recordId);
    // Every window but the last is windowSeconds long; the last runs to the record's end.
    if (p && r.windows.done > 0)
      recordedSeconds +=
        r.windows.done >= r.windows.total
          ? p.numSamples / p.fs
          : Math.min(p.numSamples / p.fs, r.windows.done * manifest.options.windowSeconds);
  }

  const finalizeId = runJobIds.finalize(manifest.runId);
  const [gateFinishedOn, finalizeState, finalizeJob] = await Promise.all([
    gateOpenedAt(queues, manifest.runId),
    queues.finalize.getJobState(finalizeId),
    Job.fromId(queues.finalize, finalizeId),
  ]);
  let state: RunState;
  if (manifest.cancelledAt) state = 'cancelled';
  else if (manifest.completedAt) state = 'completed';
  else if (finalizeState === 'failed') state = 'failed';
  else if (gateFinishedOn === undefined) state = 'planning';
  else state = 'running';

  const end = manifest.completedAt ? Date.parse(manifest.completedAt) : now.getTime();
  const elapsed = gateFinishedOn !== undefined ? (end - gateFinishedOn) / 1000 : 0;
  const recordsDone = count('done');
  const throughput =
    elapsed > 0 && windows.done > 0
      ? {
          beatsPerSecond: beats / elapsed,
          recordsPerMinute: recordsDone / (elapsed / 60),
          recordedHoursPerWallMinute: recordedSeconds / 3600 / (elapsed / 60),
        }
      : null;
  const remaining = windows.total - windows.done - windows.failed;
  const etaSeconds =
    state === 'running' && windows.done > 0 && elapsed > 0 ? (remaining * elapsed) / windows.done : null;
  return {
    runId: manifest.runId,
    bucket: manifest.bucket,
    model: manifest.model.version,
    state,
    createdAt: manifest.createdAt,
    ...(gateFinishedOn !== undefined ? { startedAt: new Date(gateFinishedOn).toISOString() } : {}),
    ...(manifest.completedAt ? { completedAt: manifest.completedAt } : {}),
    ...(manifest.cancelledAt ? { cancelledAt: manifest.cancelledAt } : {}),
    ...(state === 'failed' && finalizeJob?.failedReason ? { error: finalizeJob.failedReason } : {}),
    records: {
      total: records.length,
      done: recordsDone,
      failed: count('failed'),
      running: count('classifying') + count('summarizing'),
      queued: count('queued'),
    },
    windows,
    beats,
    recordedHours: recordedSeconds / 3600,
    throughput,
    etaSeconds,
    outputs: {
      manifest: keys.runManifest(manifest.runId),
      summaryCsv: keys.runSummaryCsv(manifest.runId),
      summaryParquet: keys.runSummaryParquet(manifest.runId),
    },
  };
}
