/**
 * classify(record, window): read the window plus margins by HTTP range, filter, detect, cut and
 * classify the owned beats on a compute thread, write runs/<run>/parts/<record>/<window>.parquet.
 * A part already in S3 is not recomputed (result.reused); writing it again would give the same
 * bytes anyway, so a duplicated or retried job is harmless.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import {
  RecordInputError,
  keys,
  type ClassifyJob,
  type ClassifyResult,
  type RunCancelledResult,
} from '@holterflow/contracts';
import { SEGMENT_WINDOW_SECONDS, primaryLeadOf } from '@holterflow/ecg';
import {
  readBeatResultsFooter,
  readRecordingMeta,
  readRecordingSamples,
  writeBeatResultsParquet,
} from '@holterflow/formats';
import { ObjectNotFound, isTransientStorageFailure, type ObjectStore } from '@holterflow/storage';
import { ObjectStores } from '../stores.js';
import { ClassifyThreads } from './classify-threads.js';
import { ModelFilesCache } from './model-files.js';
import { RunCancellation } from './run-cancellation.js';

@Injectable()
export class ClassifyProcessor {
  private readonly logger = new Logger('classify');

  constructor(
    @Inject(ObjectStores) private readonly stores: ObjectStores,
    @Inject(ClassifyThreads) private readonly threads: ClassifyThreads,
    @Inject(ModelFilesCache) private readonly models: ModelFilesCache,
    @Inject(RunCancellation) private readonly cancellation: RunCancellation,
  ) {}

  async process(payload: ClassifyJob, job: Job): Promise<ClassifyResult | RunCancelledResult> {
    // The main thread's longest stall during the job, logged: it bounds what BullMQ's lock
    // renewal can be held up by (the lock is renewed every lockDuration/2 = 15 s by default).
    const loop = monitorEventLoopDelay({ resolution: 20 });
    loop.enable();
    try {
      const cancelled = await this.cancellation.check(payload.bucket, payload.runId, false);
      if (cancelled) {
        this.logger.log(`${job.id}: run cancelled at ${cancelled.cancelledAt}; window not classified`);
        return cancelled;
      }
      const result = await this.classify(payload);
      loop.disable();
      this.logger.log(
        `${job.id}: ${result.beats} beats${result.reused ? ' (part reused)' : ''}; ` +
          `read ${result.seconds.read.toFixed(2)} s, dsp ${result.seconds.dsp.toFixed(2)} s, ` +
          `inference ${result.seconds.inference.toFixed(2)} s, write ${result.seconds.write.toFixed(2)} s; ` +
          `event loop max delay ${(loop.max / 1e6).toFixed(0)} ms`,
      );
      return result;
    } finally {
      loop.disable();
    }
  }

  private async classify(job: ClassifyJob): Promise<ClassifyResult> {
    const store = this.stores.forBucket(job.bucket);
    const partKey = keys.runPart(job.runId, job.recordId, job.window);
    const reused = await this.existingPart(store, partKey);
    if (reused) return reused;

    const t0 = performance.now();
    const recording = await store.asyncBuffer(job.recordingKey).catch((err: unknown) => {
      // Gone since planning: retrying cannot bring it back.
      if (err instanceof ObjectNotFound)
        throw new RecordInputError(
          job.recordId,
          `the recording s3://${job.bucket}/${job.recordingKey} no longer exists; restore it and retry the run's failed records`,
          job.recordingKey,
        );
      throw err;
    });
    const meta = await readRecordingMeta(recording, job.recordingKey);
    assertMatchesPlan(job, meta);
    // The run's detection margin, plus the context the model's rhythm features need (its beats
    // must be detected exactly as in a whole-record pass, so they need the margin too).
    const { contextSeconds } = await this.models.get(job.bucket, job.modelVersion);
    const margin = Math.round((job.marginSeconds + contextSeconds) * meta.fs);
    const sliceStart = Math.max(0, job.start - margin);
    const sliceEnd = Math.min(meta.numSamples, job.end + margin);
    const signals = await readRecordingSamples(
      recording,
      sliceStart,
      sliceEnd,
      undefined,
      meta,
      job.recordingKey,
    );
    const read = (performance.now() - t0) / 1000;

    const output = await this.threads.run(
      () => this.models.get(job.bucket, job.modelVersion),
      job.modelVersion,
      {
        signals,
        fs: meta.fs,
        offset: sliceStart,
        ownedStart: job.start,
        ownedEnd: job.end,
        primaryLead: primaryLeadOf(meta.leads),
        window: job.window,
      },
    );

    const t1 = performance.now();
    // Parts are intermediate (summarize merges them into the compressed beats.parquet): written
    // uncompressed, which halves this stage's CPU (libs/formats beat-results.ts).
    const bytes = writeBeatResultsParquet(
      output.results,
      {
        runId: job.runId,
        recordId: job.recordId,
        modelVersion: job.modelVersion,
        fs: meta.fs,
        start: job.start,
        end: job.end,
        unreadable: output.unreadable,
      },
      'UNCOMPRESSED',
    );
    await store.put(partKey, bytes, { contentType: 'application/vnd.apache.parquet' });
    const write = (performance.now() - t1) / 1000;
    return {
      beats: output.results.samples.length,
      partKey,
      reused: false,
      seconds: { read, dsp: output.seconds.dsp, inference: output.seconds.inference, write },
      ...(output.engine ? { engine: output.engine } : {}),
      unreadable: output.unreadable,
    };
  }

  /** A part a previous attempt or run already wrote: its footer says all the result needs. */
  private async existingPart(store: ObjectStore, partKey: string): Promise<ClassifyResult | undefined> {
    if (!(await store.exists(partKey))) return undefined;
    let footer;
    try {
      footer = await readBeatResultsFooter(await store.asyncBuffer(partKey), partKey);
    } catch (err) {
      // A part is ours and intermediate: one that cannot be read was cut short (a store that
      // went down mid-write, the fault harness's S3 outage found one) — compute it again rather
      // than fail the window. S3 being unreachable is not this: it is thrown (and postponed).
      if (isTransientStorageFailure(err)) throw err;
      this.logger.warn(
        `${partKey}: existing part unreadable (${(err as Error).message}); computing it again`,
      );
      return undefined;
    }
    const { meta, beats } = footer;
    return {
      beats,
      partKey,
      reused: true,
      seconds: { read: 0, dsp: 0, inference: 0, write: 0 },
      unreadable: meta.unreadable,
    };
  }
}

/**
 * The recording must still be what the run was planned on, and long enough to hold one
 * segmentation window (beats are cut per 10 s window, and the detector needs that much to learn
 * its thresholds).
 */
function assertMatchesPlan(
  job: ClassifyJob,
  meta: { fs: number; numSamples: number; recordId: string },
): void {
  const fail = (problem: string): never => {
    throw new RecordInputError(job.recordId, problem, job.recordingKey);
  };
  if (meta.fs !== job.fs || meta.numSamples !== job.numSamples)
    fail(
      `the recording changed since the run was planned (${meta.numSamples} samples at ${meta.fs} Hz, ` +
        `planned ${job.numSamples} at ${job.fs} Hz): submit the run again`,
    );
  const seconds = meta.numSamples / meta.fs;
  if (seconds < SEGMENT_WINDOW_SECONDS)
    fail(
      `the recording is only ${seconds.toFixed(1)} s long; at least ${SEGMENT_WINDOW_SECONDS} s are needed to detect and classify beats`,
    );
  if (job.end > meta.numSamples || job.start >= job.end)
    fail(
      `window ${job.window} [${job.start}, ${job.end}) is outside the recording's ${meta.numSamples} samples`,
    );
}
