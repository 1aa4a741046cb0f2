/**
 * Test helpers for the classification flow on the worker side: canonical MIT-BIH fixtures on S3,
 * a seeded model version, a run manifest, and the flow finalize ← summarize ← classify added the
 * way the coordinator adds it (runJobIds, FLOW_CHILD_FAILURE_POLICY), so worker tests do not
 * depend on the planner.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlowProducer, Queue, type FlowJob } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  FLOW_CHILD_FAILURE_POLICY,
  JOB_CONTRACTS,
  QUEUES,
  RunManifestSchema,
  keys,
  type ClassifyJob,
  type PlannedRecord,
  type RunManifest,
  type SummarizeJob,
} from '@holterflow/contracts';
import { readWfdbRecord, writeRecordingParquet, writeReferenceBeatsParquet } from '@holterflow/formats';
import { buildSeedCnn, initBackend, saveModel } from '@holterflow/model';
import type { ObjectStore } from '@holterflow/storage';

export const FIXTURES = new URL('../fixtures/mitdb/', import.meta.url).pathname;

/** Writes `<prefix>/<id>.parquet` and `<id>.beats.parquet` from a WFDB fixture; returns its plan. */
export async function putFixtureRecording(
  store: ObjectStore,
  prefix: string,
  id: string,
  windowSeconds: number,
): Promise<PlannedRecord> {
  const rec = readWfdbRecord(join(FIXTURES, `${id}.hea`));
  const recordingKey = keys.recording(prefix, id);
  const referenceBeatsKey = keys.referenceBeats(prefix, id);
  await store.upload(recordingKey, writeRecordingParquet(rec));
  await store.put(referenceBeatsKey, writeReferenceBeatsParquet(rec.beats ?? []));
  const numSamples = rec.signals[0].length;
  return {
    recordId: id,
    recordingKey,
    referenceBeatsKey,
    fs: rec.fs,
    numSamples,
    leads: rec.leads,
    windows: Math.ceil(numSamples / (windowSeconds * rec.fs)),
  };
}

/** A deterministic (untrained) model version for plumbing tests. */
export async function putSeedModel(store: ObjectStore, version: string, seed = 7): Promise<void> {
  await initBackend({ log: () => {} });
  const model = buildSeedCnn({ seed });
  await saveModel(model, store, keys.modelPrefix(version), { version });
  model.dispose();
}

export function manifestOf(
  runId: string,
  bucket: string,
  model: string,
  records: PlannedRecord[],
  windowSeconds: number,
): RunManifest {
  return RunManifestSchema.parse({
    runId,
    bucket,
    createdAt: '2026-01-01T00:00:00.000Z',
    model: { version: model },
    options: { windowSeconds, marginSeconds: 30 },
    records,
    rejected: [],
  });
}

export function classifyJobsOf(m: RunManifest, r: PlannedRecord): ClassifyJob[] {
  const span = m.options.windowSeconds * r.fs;
  return Array.from({ length: r.windows }, (_, window) => ({
    runId: m.runId,
    bucket: m.bucket,
    recordId: r.recordId,
    recordingKey: r.recordingKey,
    modelVersion: m.model.version,
    fs: r.fs,
    numSamples: r.numSamples,
    window,
    start: window * span,
    end: Math.min((window + 1) * span, r.numSamples),
    marginSeconds: m.options.marginSeconds,
  }));
}

/** Writes the manifest and adds the whole flow in one FlowProducer call. */
export async function addRunFlow(
  store: ObjectStore,
  connection: Redis,
  prefix: string,
  m: RunManifest,
): Promise<void> {
  await store.putJson(keys.runManifest(m.runId), m);
  const retry = { attempts: 3, backoff: { type: 'exponential', delay: 500 } } as const;
  const children: FlowJob[] = m.records.map((r) => {
    const summarize: SummarizeJob = {
      runId: m.runId,
      bucket: m.bucket,
      recordId: r.recordId,
      modelVersion: m.model.version,
      fs: r.fs,
      numSamples: r.numSamples,
      windows: r.windows,
      ...(r.referenceBeatsKey ? { referenceBeatsKey: r.referenceBeatsKey } : {}),
    };
    return {
      name: JOB_CONTRACTS[QUEUES.summarize].name,
      queueName: QUEUES.summarize,
      data: summarize,
      opts: {
        ...retry,
        ...FLOW_CHILD_FAILURE_POLICY,
        jobId: JOB_CONTRACTS[QUEUES.summarize].jobId(summarize),
      },
      children: classifyJobsOf(m, r).map((job) => ({
        name: JOB_CONTRACTS[QUEUES.classify].name,
        queueName: QUEUES.classify,
        data: job,
        opts: { ...retry, ...FLOW_CHILD_FAILURE_POLICY, jobId: JOB_CONTRACTS[QUEUES.classify].jobId(job) },
      })),
    };
  });
  const producer = new FlowProducer({ connection, prefix });
  try {
    await producer.add({
      name: JOB_CONTRACTS[QUEUES.finalize].name,
      queueName: QUEUES.finalize,
      data: { runId: m.runId, bucket: m.bucket },
      opts: { ...retry, jobId: JOB_CONTRACTS[QUEUES.finalize].jobId({ runId: m.runId }) },
      children,
    });
  } finally {
    await producer.close();
  }
}

/** The three pipeline queues of a test prefix (close them after use). */
export function pipelineQueues(
  connection: Redis,
  prefix: string,
): Record<'classify' | 'summarize' | 'finalize', Queue> {
  return {
    classify: new Queue(QUEUES.classify, { connection, prefix }),
    summarize: new Queue(QUEUES.summarize, { connection, prefix }),
    finalize: new Queue(QUEUES.finalize, { connection, prefix }),
  };
}

/** Every object under `prefix` with its bytes, by key. */
export async function objectsUnder(store: ObjectStore, prefix: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for await (const o of store.list(prefix)) out.set(o.key, Buffer.from(await store.get(o.key)));
  return out;
}

export function fixtureBytes(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}
