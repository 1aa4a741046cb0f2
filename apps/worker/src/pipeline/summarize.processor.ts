/**
 * summarize(record): merge the record's parts in window order (RR intervals recomputed across
 * window edges) → beats.parquet, report.html (the Holter report, ECG strips read from the
 * recording by range), summary.json, and evaluation.json where reference beats exist.
 * A record with windows that failed for good (their reasons arrive as the job's ignored child
 * failures, FLOW_CHILD_FAILURE_POLICY) gets error.json instead, and the job still completes so
 * finalize runs for the whole run. A readable recording whose signal is unusable throughout is
 * not a failure: it gets a summary and a report that say it is unanalysable and why.
 */
import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import {
  ClassifyResultSchema,
  RecordErrorSchema,
  keys,
  childFailures,
  type RecordError,
  type RunCancelledResult,
  type SummarizeJob,
  type SummarizeResult,
  type Processing,
} from '@holterflow/contracts';
import { primaryLeadOf } from '@holterflow/ecg';
import {
  asyncBufferFromBytes,
  readBeatResultsParquet,
  readRecordingMeta,
  readRecordingSamples,
  readReferenceBeats,
  writeBeatResultsParquet,
  type BeatResults,
  type RecordingMeta,
  type UnreadableRange,
} from '@holterflow/formats';
import { buildRecordReport, jsonText, type SignalReader } from '@holterflow/report';
import type { ObjectStore } from '@holterflow/storage';
import { ObjectStores } from '../stores.js';
import { evaluateRecord } from './evaluation.js';
import { mergeParts } from './merge-parts.js';
import pMap from 'p-map';
import { RunCancellation } from './run-cancellation.js';

/** Parts fetched at once: enough to hide S3 latency, few enough to bound memory. */
const PART_FETCHES = 8;

type Part = { results: BeatResults; unreadable: UnreadableRange[] };

@Injectable()
export class SummarizeProcessor {
  private readonly logger = new Logger('summarize');

  constructor(
    @Inject(ObjectStores) private readonly stores: ObjectStores,
    @Inject(RunCancellation) private readonly cancellation: RunCancellation,
  ) {}

  async process(payload: SummarizeJob, job: Job): Promise<SummarizeResult | RunCancelledResult> {
    // A record whose windows were running when the run was cancelled becomes runnable once they
    // end: it must not write the record's outputs (or an error.json for the windows cancel removed).
    const cancelled = await this.cancellation.check(payload.bucket, payload.runId, true);
    if (cancelled) {
      this.logger.log(`${job.id}: run cancelled at ${cancelled.cancelledAt}; record not summarized`);
      return cancelled;
    }
    const failures = childFailures(await job.getIgnoredChildrenFailures(), 'classify', (ref) => ref.window);
    const classified = classifyProcessing(await job.getChildrenValues());
    // Unreadable reference beats raise RecordInputError: final (job runner); finalize reports it.
    const result = await this.summarize(payload, failures, classified);
    this.logger.log(`${job.id}: ${result.status}, ${result.beats} beats`);
    return result;
  }

  private async summarize(
    job: SummarizeJob,
    failures: Map<number, string>,
    classified: Omit<Processing, 'summarizeSeconds'>,
  ): Promise<SummarizeResult> {
    const started = performance.now();
    const store = this.stores.forBucket(job.bucket);
    const windows = Array.from({ length: job.windows }, (_, w) => w);
    const parts = await pMap(windows, (w) => readPart(store, job, w), { concurrency: PART_FETCHES });
    const failedWindows = windows.filter((w) => parts[w] === undefined);
    if (failedWindows.length > 0) {
      const error: RecordError = {
        runId: job.runId,
        recordId: job.recordId,
        error: failures.get(failedWindows[0]) ?? `window ${failedWindows[0]} has no results`,
        failedWindows: failedWindows.map((w) => ({
          window: w,
          error: failures.get(w) ?? 'no part was written',
        })),
      };
      return this.fail(store, job, error);
    }
    const merged = mergeParts(parts as Part[], job.fs);
    // A recording whose signal is unusable everywhere (no lead readable: NaN, flat, clipped or
    // noise) is still an analysed record: its summary and report say so with the reasons
    // (summary.json `analysable: false`, `unanalysable`), and it has no beats. Only a record
    // whose windows could not be read at all (above) fails.
    const beatsBytes = writeBeatResultsParquet(merged.results, {
      runId: job.runId,
      recordId: job.recordId,
      modelVersion: job.modelVersion,
      fs: job.fs,
      start: 0,
      end: job.numSamples,
      unreadable: merged.unreadable,
    });
    const { summary, html } = await buildRecordReport(
      {
        runId: job.runId,
        recordId: job.recordId,
        modelVersion: job.modelVersion,
        fs: job.fs,
        numSamples: job.numSamples,
        samples: merged.results.samples,
        classes: merged.results.classes,
        unreadable: merged.unreadable,
        options: job.report,
        // Measured up to here: merging and the report are summarize's work; uploads are not.
        processing: { ...classified, summarizeSeconds: (performance.now() - started) / 1000 },
      },
      job.recordingKey ? primaryLeadReader(store, job.recordingKey) : undefined,
    );
    await store.put(keys.runRecordBeats(job.runId, job.recordId), beatsBytes, {
      contentType: 'application/vnd.apache.parquet',
    });
    await store.put(keys.runRecordReport(job.runId, job.recordId), html, {
      contentType: 'text/html; charset=utf-8',
    });
    let evaluated = false;
    if (job.referenceBeatsKey) {
      const reference = await readReferenceBeats(
        await store.asyncBuffer(job.referenceBeatsKey),
        job.referenceBeatsKey,
      );
      const evaluation = evaluateRecord(
        job.recordId,
        job.fs,
        reference,
        merged.results.samples,
        merged.results.classes,
      );
      await store.put(keys.runRecordEvaluation(job.runId, job.recordId), jsonText(evaluation), {
        contentType: 'application/json',
      });
      evaluated = true;
    }
    // summary.json last: its presence says the record's outputs are complete (finalize reads it).
    await store.put(keys.runRecordSummary(job.runId, job.recordId), jsonText(summary), {
      contentType: 'application/json',
    });
    // A retry-failed that succeeded leaves no stale error behind.
    await store.delete(keys.runRecordError(job.runId, job.recordId));
    return { recordId: job.recordId, status: 'complete', beats: summary.beats, failedWindows: [], evaluated };
  }

  private async fail(store: ObjectStore, job: SummarizeJob, error: RecordError): Promise<SummarizeResult> {
    await store.put(keys.runRecordError(job.runId, job.recordId), jsonText(RecordErrorSchema.parse(error)), {
      contentType: 'application/json',
    });
    await store.delete(keys.runRecordSummary(job.runId, job.recordId));
    return {
      recordId: job.recordId,
      status: 'failed',
      beats: 0,
      failedWindows: error.failedWindows.map((f) => f.window),
      evaluated: false,
    };
  }
}

async function readPart(store: ObjectStore, job: SummarizeJob, window: number): Promise<Part | undefined> {
  const key = keys.runPart(job.runId, job.recordId, window);
  if (!(await store.exists(key))) return undefined;
  const { results, meta } = await readBeatResultsParquet(asyncBufferFromBytes(await store.get(key)), key);
  return { results, unreadable: meta.unreadable };
}

/** Strips for report.html: primary-lead samples by range from the recording on S3. */
function primaryLeadReader(store: ObjectStore, recordingKey: string): SignalReader {
  type File = Awaited<ReturnType<ObjectStore['asyncBuffer']>>;
  let opened: Promise<{ file: File; meta: RecordingMeta }> | undefined;
  return async (start, end) => {
    opened ??= (async () => {
      const file = await store.asyncBuffer(recordingKey);
      return { file, meta: await readRecordingMeta(file, recordingKey) };
    })();
    const { file, meta } = await opened;
    const lead = meta.leads[primaryLeadOf(meta.leads)];
    const [signal] = await readRecordingSamples(file, start, end, [lead], meta, recordingKey);
    return { lead, signal };
  };
}

/** Engines and classify seconds from the windows' results (BullMQ children values). */
function classifyProcessing(values: Record<string, unknown>): Omit<Processing, 'summarizeSeconds'> {
  const engines = new Set<string>();
  let classifySeconds = 0;
  for (const value of Object.values(values)) {
    const parsed = ClassifyResultSchema.safeParse(value);
    if (!parsed.success) continue; // the run gate's child or a cancelled window
    const s = parsed.data.seconds;
    classifySeconds += s.read + s.dsp + s.inference + s.write;
    if (parsed.data.engine) engines.add(parsed.data.engine);
  }
  return { engines: [...engines].sort(), classifySeconds };
}
