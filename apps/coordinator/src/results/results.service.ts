/**
 * What analysts download from a run: a record's summary.json, beats (filtered by class and time,
 * CSV or Parquet), report.html, and the run's summary.csv — streamed from S3 through the
 * coordinator, so one place checks the run, the record and (issue 11) the caller's role.
 */
import type { Readable } from 'node:stream';
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { keys, RecordErrorSchema, RecordSummarySchema, type RecordSummary } from '@holterflow/contracts';
import { beatResultsCsv, selectBeats, writeBeatResultsParquet } from '@holterflow/formats';
import type { ObjectStore } from '@holterflow/storage';
import { RunsService } from '../runs/runs.service.js';
import { BeatsCache } from './beats-cache.js';
import { ReportPdf } from './report-pdf.js';
import type { BeatsQuery } from './results.dto.js';

export type Download =
  | { kind: 'stream'; body: Readable; type: string; filename: string }
  | { kind: 'bytes'; body: Uint8Array; type: string; filename: string }
  | { kind: 'lines'; body: Iterable<string>; type: string; filename: string };

@Injectable()
export class ResultsService {
  constructor(
    @Inject(RunsService) private readonly runs: RunsService,
    @Inject(BeatsCache) private readonly beatsCache: BeatsCache,
    @Inject(ReportPdf) private readonly pdf: ReportPdf,
  ) {}

  /** The run's store once the record is known to be in it and complete; else 404 / 409 with why. */
  private async completeRecord(runId: string, recordId: string): Promise<ObjectStore> {
    const { manifest, store } = await this.runs.manifest(runId);
    if (!manifest.records.some((r) => r.recordId === recordId))
      throw new NotFoundException(`run ${runId} has no record ${JSON.stringify(recordId)}`);
    if (await store.exists(keys.runRecordSummary(runId, recordId))) return store;
    const errorKey = keys.runRecordError(runId, recordId);
    if (await store.exists(errorKey)) {
      const error = await store.getJson(errorKey, RecordErrorSchema);
      throw new ConflictException(`record ${recordId} failed: ${error.error}`);
    }
    throw new NotFoundException(`record ${recordId} of run ${runId} is not summarized yet`);
  }

  async summary(runId: string, recordId: string): Promise<RecordSummary> {
    const store = await this.completeRecord(runId, recordId);
    return store.getJson(keys.runRecordSummary(runId, recordId), RecordSummarySchema);
  }

  async report(runId: string, recordId: string): Promise<Download> {
    const store = await this.completeRecord(runId, recordId);
    const key = keys.runRecordReport(runId, recordId);
    if (!(await store.exists(key)))
      throw new NotFoundException(
        `record ${recordId} has no report.html (summarized before reports existed: resubmit the run)`,
      );
    return {
      kind: 'stream',
      body: await store.getStream(key),
      type: 'text/html; charset=utf-8',
      filename: `${recordId}-report.html`,
    };
  }

  async reportPdf(runId: string, recordId: string): Promise<Download> {
    const store = await this.completeRecord(runId, recordId);
    const key = keys.runRecordReport(runId, recordId);
    if (!(await store.exists(key)))
      throw new NotFoundException(
        `record ${recordId} has no report.html (summarized before reports existed: resubmit the run)`,
      );
    return {
      kind: 'bytes',
      body: await this.pdf.print(await store.get(key)),
      type: 'application/pdf',
      filename: `${recordId}-report.pdf`,
    };
  }

  async beats(runId: string, recordId: string, query: BeatsQuery): Promise<Download> {
    const store = await this.completeRecord(runId, recordId);
    const key = keys.runRecordBeats(runId, recordId);
    const whole =
      !query.class && query.from === undefined && query.to === undefined && query.limit === undefined;
    if (whole && query.format === 'parquet')
      return {
        kind: 'stream',
        body: await store.getStream(key),
        type: 'application/vnd.apache.parquet',
        filename: `${recordId}-beats.parquet`,
      };
    const { results, meta } = await this.beatsCache.read(store, runId, recordId);
    const from = query.from ?? 0;
    const to = query.to ?? Infinity;
    const limit = query.limit ?? Infinity;
    const indices: number[] = [];
    for (let i = 0; i < results.samples.length && indices.length < limit; i++) {
      const t = results.timeS[i];
      if (t >= from && t < to && (!query.class || query.class.has(results.classes[i]))) indices.push(i);
    }
    const selected = selectBeats(results, indices);
    if (query.format === 'parquet')
      return {
        kind: 'bytes',
        body: writeBeatResultsParquet(selected, meta),
        type: 'application/vnd.apache.parquet',
        filename: `${recordId}-beats.parquet`,
      };
    return {
      kind: 'lines',
      body: beatResultsCsv(selected),
      type: 'text/csv; charset=utf-8',
      filename: `${recordId}-beats.csv`,
    };
  }

  async summaryCsv(runId: string): Promise<Download> {
    return this.summaryTable(runId, 'csv');
  }

  async summaryParquet(runId: string): Promise<Download> {
    return this.summaryTable(runId, 'parquet');
  }

  private async summaryTable(runId: string, format: 'csv' | 'parquet'): Promise<Download> {
    const { manifest, store } = await this.runs.manifest(runId);
    const key = format === 'csv' ? keys.runSummaryCsv(runId) : keys.runSummaryParquet(runId);
    if (!(await store.exists(key)))
      throw new NotFoundException(
        `run ${runId} has no summary.${format} yet: it is written when the run completes${manifest.cancelledAt ? ' (the run is cancelled)' : ''}`,
      );
    return {
      kind: 'stream',
      body: await store.getStream(key),
      type: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.apache.parquet',
      filename: `${runId}-summary.${format}`,
    };
  }
}
