/**
 * Test helpers for the classification flow on the worker side: canonical MIT-BIH fixtures on S3,
 * a seeded model version, a run manifest without the planner (fixtures are planned from the
 * WFDB files), and the flow queued by the coordinator's enqueueRun.
 */
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  QUEUES,
  RunManifestSchema,
  gateQueueName,
  keys,
  type PlannedRecord,
  type RunManifest,
} from '@holterflow/contracts';
import { RunManifests } from '@holterflow/runs';
import { readWfdbRecord, writeRecordingParquet, writeReferenceBeatsParquet } from '@holterflow/formats';
import { buildSeedCnn, initBackend, saveModel } from '@holterflow/model';
import type { ObjectStore } from '@holterflow/storage';
import { enqueueRun, type RunQueues } from '../../apps/coordinator/src/runs/flow.js';

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

/**
 * Writes the manifest (as planning does) and queues the run with the coordinator's own
 * enqueueRun, so the workers are tested against the flow production adds.
 */
export async function addRunFlow(store: ObjectStore, queues: RunQueues, m: RunManifest): Promise<void> {
  await new RunManifests(store).create(m);
  await enqueueRun(queues, m);
}

/** Removes every job of the run from Redis, its planning gate included (S3 keeps what was written). */
export async function forgetRunJobs(queues: RunQueues, runId: string): Promise<void> {
  const gate = new Queue(gateQueueName(runId), { connection: queues.connection, prefix: queues.prefix });
  for (const q of [queues.classify, queues.summarize, queues.finalize, gate])
    await q.obliterate({ force: true });
  await gate.close();
}

/** The three pipeline queues of a test prefix (close them after use). */
export function pipelineQueues(connection: Redis, prefix: string): RunQueues {
  return {
    connection,
    prefix,
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

/**
 * Whether two copies of an output object are the same result: the same bytes, except the
 * `processing` section of a record's summary.json — how long this attempt took and which
 * engines ran (none when parts were reused after a fault), a log of the work, not a result.
 * The rest of summary.json is compared byte for byte.
 */
export function sameOutput(key: string, a: Buffer, b: Buffer): boolean {
  if (!key.endsWith('/summary.json')) return a.equals(b);
  const withoutProcessing = (bytes: Buffer) => {
    const { processing: _measured, ...rest } = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    return JSON.stringify(rest);
  };
  return withoutProcessing(a) === withoutProcessing(b);
}
