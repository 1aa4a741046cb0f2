/**
 * Queues a planned run as one BullMQ flow: finalize(run) ← summarize(record) ← classify(window),
 * with the deterministic ids of runJobIds, so adding it again (a resubmission, or a coordinator
 * that crashed half way) adds nothing that already exists.
 *
 * The flow is added in chunks so that 1,000 records × 48 windows never hold the event loop for
 * one giant Redis transaction (bench/planning.ts measures the longest stall). Chunks raise a
 * race: finalize could see its first children finish before the later chunks are attached, and
 * run early. A gate child prevents that: finalize is created with one extra dependency, a job in
 * a per-run `planning.<runId>` queue that no worker serves; the coordinator completes it by hand
 * once every chunk is in, and only then can finalize run.
 *
 * Failure policy: libs/contracts FLOW_CHILD_FAILURE_POLICY on every child, so a window or record
 * that fails for good is handed to its parent as an ignored failure: summarize writes the
 * record's error.json and the run still completes for the other records. Names, attempts and
 * backoff come from JOB_CONTRACTS, the same table the processors validate with.
 */
import { randomUUID } from 'node:crypto';
import { FlowProducer, Job, Queue, Worker, type FlowJob, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  FLOW_CHILD_FAILURE_POLICY,
  gateQueueName,
  JOB_CONTRACTS,
  QUEUES,
  runJobIds,
  type ClassifyJob,
  type FinalizeJob,
  type PlannedRecord,
  type RunManifest,
  type SummarizeJob,
} from '@holterflow/contracts';
import { windowRange, windowSamples } from './plan.js';

/** The per-run gate job (its queue is `planning.<runId>`; no worker serves it). */
const GATE = { name: 'planned', jobId: 'gate' } as const;

/** Kept a week like ingest jobs: status reads them, and a resubmission must find them to skip them. */
const KEEP = { age: 7 * 24 * 3600 };

function jobOptions(queue: 'classify' | 'summarize' | 'finalize', jobId: string): JobsOptions {
  const contract = JOB_CONTRACTS[QUEUES[queue]];
  return {
    jobId,
    attempts: contract.attempts,
    backoff: { type: 'exponential', delay: contract.backoffMs },
    removeOnComplete: KEEP,
    removeOnFail: KEEP,
  };
}

/** Jobs per addBulk call: ~1000 cost ~240 ms of our own CPU in one block (bench/planning.ts), 250 a quarter. */
export const FLOW_CHUNK_JOBS = 250;

export interface RunQueues {
  connection: Redis;
  prefix: string;
  classify: Queue;
  summarize: Queue;
  finalize: Queue;
}

export function classifyJobs(manifest: RunManifest, record: PlannedRecord): ClassifyJob[] {
  const span = windowSamples(record.fs, manifest.options.windowSeconds);
  return Array.from({ length: record.windows }, (_, window) => ({
    runId: manifest.runId,
    bucket: manifest.bucket,
    recordId: record.recordId,
    recordingKey: record.recordingKey,
    modelVersion: manifest.model.version,
    fs: record.fs,
    numSamples: record.numSamples,
    window,
    ...windowRange(window, record.windows, record.numSamples, span),
    marginSeconds: manifest.options.marginSeconds,
  }));
}

function recordFlow(manifest: RunManifest, record: PlannedRecord, finalizeQueue: string): FlowJob {
  const summarize: SummarizeJob = {
    runId: manifest.runId,
    bucket: manifest.bucket,
    recordId: record.recordId,
    modelVersion: manifest.model.version,
    fs: record.fs,
    numSamples: record.numSamples,
    windows: record.windows,
    report: manifest.options.report,
    recordingKey: record.recordingKey,
    ...(record.referenceBeatsKey ? { referenceBeatsKey: record.referenceBeatsKey } : {}),
  };
  return {
    name: JOB_CONTRACTS[QUEUES.summarize].name,
    queueName: QUEUES.summarize,
    data: summarize,
    opts: {
      ...jobOptions('summarize', runJobIds.summarize(manifest.runId, record.recordId)),
      ...FLOW_CHILD_FAILURE_POLICY,
      parent: { id: runJobIds.finalize(manifest.runId), queue: finalizeQueue },
    },
    children: classifyJobs(manifest, record).map((job) => ({
      name: JOB_CONTRACTS[QUEUES.classify].name,
      queueName: QUEUES.classify,
      data: job,
      opts: {
        ...jobOptions('classify', runJobIds.classify(manifest.runId, record.recordId, job.window)),
        ...FLOW_CHILD_FAILURE_POLICY,
      },
    })),
  };
}

/** What enqueueRun did, for the answer of POST /runs and the planning benchmark. */
export interface EnqueueReport {
  /** Jobs offered to BullMQ (existing ids among them are not added twice). */
  jobs: number;
  chunks: number;
  /** False when the gate had already been opened (the flow was complete before this call). */
  openedGate: boolean;
}

/**
 * Adds (or re-adds) the whole flow and opens the gate. Idempotent: every id is deterministic,
 * BullMQ ignores ids that exist, and an opened gate stays open.
 */
export async function enqueueRun(
  queues: RunQueues,
  manifest: RunManifest,
  yieldBetweenChunks: () => Promise<void> = () => new Promise((r) => setImmediate(r)),
): Promise<EnqueueReport> {
  const producer = new FlowProducer({ connection: queues.connection, prefix: queues.prefix });
  try {
    const finalize: FinalizeJob = { runId: manifest.runId, bucket: manifest.bucket };
    const gateQueue = gateQueueName(manifest.runId);
    await producer.add({
      name: JOB_CONTRACTS[QUEUES.finalize].name,
      queueName: QUEUES.finalize,
      data: finalize,
      opts: jobOptions('finalize', runJobIds.finalize(manifest.runId)),
      children: [
        {
          name: GATE.name,
          queueName: gateQueue,
          data: { runId: manifest.runId },
          opts: { jobId: GATE.jobId },
        },
      ],
    });
    const finalizeQueue = queues.finalize.qualifiedName;
    let jobs = 2;
    let chunks = 0;
    let chunk: FlowJob[] = [];
    let chunkJobs = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      await producer.addBulk(chunk);
      chunks++;
      chunk = [];
      chunkJobs = 0;
      await yieldBetweenChunks();
    };
    for (const record of manifest.records) {
      chunk.push(recordFlow(manifest, record, finalizeQueue));
      chunkJobs += record.windows + 1;
      jobs += record.windows + 1;
      if (chunkJobs >= FLOW_CHUNK_JOBS) await flush();
    }
    await flush();
    const openedGate = await openGate(queues, manifest.runId);
    return { jobs, chunks, openedGate };
  } finally {
    await producer.close();
  }
}

/** Completes the run's gate job by hand (BullMQ's manual processing), releasing finalize. */
async function openGate(queues: RunQueues, runId: string): Promise<boolean> {
  const gate = new Worker(gateQueueName(runId), null, {
    connection: queues.connection,
    prefix: queues.prefix,
    autorun: false,
  });
  try {
    const token = randomUUID();
    const job = await gate.getNextJob(token, { block: false });
    if (!job) return false;
    await job.moveToCompleted('planned', token, false);
    return true;
  } finally {
    await gate.close();
  }
}

/**
 * When the run's gate was opened (every chunk queued, work free to finish), or undefined while
 * planning is still adding chunks. The gate is only ever completed, never failed.
 */
export async function gateOpenedAt(queues: RunQueues, runId: string): Promise<number | undefined> {
  const gate = new Queue(gateQueueName(runId), { connection: queues.connection, prefix: queues.prefix });
  try {
    return (await Job.fromId(gate, GATE.jobId))?.finishedOn;
  } finally {
    await gate.close();
  }
}
