import { Readable } from 'node:stream';
import { Controller, Get, Inject, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { RecordSummary, SignalAnswer } from '@holterflow/contracts';
import { Roles } from '../auth/access.decorator.js';
import { SafeIdPipe } from '../common/safe-id.pipe.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { BeatsQuerySchema, type BeatsQuery } from './results.dto.js';
import { ResultsService, type Download } from './results.service.js';
import { MAX_SIGNAL_SECONDS, SignalQuerySchema, type SignalQuery } from './signal.dto.js';
import { SignalService } from './signal.service.js';

function file(d: Download, disposition: 'inline' | 'attachment'): StreamableFile {
  const options = { type: d.type, disposition: `${disposition}; filename="${d.filename}"` };
  if (d.kind === 'bytes') return new StreamableFile(d.body, options);
  return new StreamableFile(d.kind === 'lines' ? Readable.from(d.body) : d.body, options);
}

const runIdParam = { name: 'runId', description: 'as returned by POST /runs' };
const recordParam = { name: 'recordId', description: 'a record of the run' };

/**
 * Analyst downloads of a run's results. These are patient data: analysts (and admins) only —
 * an operator submits and steers runs but does not read what they found.
 */
@ApiTags('results')
@Controller('runs')
@Roles('analyst')
export class ResultsController {
  constructor(
    @Inject(ResultsService) private readonly results: ResultsService,
    @Inject(SignalService) private readonly signals: SignalService,
  ) {}

  @Get(':runId/summary.csv')
  @ApiOperation({ summary: "The run's summary table, one row per record (failed ones with their error)" })
  @ApiParam(runIdParam)
  @ApiResponse({ status: 404, description: 'no such run, or not complete yet' })
  async summaryCsv(@Param('runId', new SafeIdPipe('runId')) runId: string): Promise<StreamableFile> {
    return file(await this.results.summaryCsv(runId), 'attachment');
  }

  @Get(':runId/summary.parquet')
  @ApiOperation({ summary: "The run's summary table as Parquet (the same rows and columns as summary.csv)" })
  @ApiParam(runIdParam)
  @ApiResponse({ status: 404, description: 'no such run, or not complete yet' })
  async summaryParquet(@Param('runId', new SafeIdPipe('runId')) runId: string): Promise<StreamableFile> {
    return file(await this.results.summaryParquet(runId), 'attachment');
  }

  @Get(':runId/records/:recordId/summary')
  @ApiOperation({ summary: "A record's summary.json: the Holter report's figures (libs/report/README.md)" })
  @ApiParam(runIdParam)
  @ApiParam(recordParam)
  @ApiResponse({ status: 404, description: 'no such run or record, or not summarized yet' })
  @ApiResponse({ status: 409, description: 'the record failed (the body says why)' })
  async summary(
    @Param('runId', new SafeIdPipe('runId')) runId: string,
    @Param('recordId', new SafeIdPipe('recordId')) recordId: string,
  ): Promise<RecordSummary> {
    return this.results.summary(runId, recordId);
  }

  @Get(':runId/records/:recordId/report')
  @ApiOperation({ summary: "A record's report.html (self-contained: opens offline, prints on A4)" })
  @ApiParam(runIdParam)
  @ApiParam(recordParam)
  async report(
    @Param('runId', new SafeIdPipe('runId')) runId: string,
    @Param('recordId', new SafeIdPipe('recordId')) recordId: string,
  ): Promise<StreamableFile> {
    return file(await this.results.report(runId, recordId), 'inline');
  }

  @Get(':runId/records/:recordId/report.pdf')
  @ApiOperation({
    summary: "A record's report printed to PDF (A4, one page per section) by headless Chromium",
  })
  @ApiParam(runIdParam)
  @ApiParam(recordParam)
  @ApiResponse({ status: 503, description: 'this host has no Chromium (HOLTERFLOW_CHROMIUM)' })
  async reportPdf(
    @Param('runId', new SafeIdPipe('runId')) runId: string,
    @Param('recordId', new SafeIdPipe('recordId')) recordId: string,
  ): Promise<StreamableFile> {
    return file(await this.results.reportPdf(runId, recordId), 'attachment');
  }

  @Get(':runId/records/:recordId/beats')
  @ApiOperation({ summary: "A record's per-beat results, filtered by class and time, as CSV or Parquet" })
  @ApiParam(runIdParam)
  @ApiParam(recordParam)
  @ApiQuery({ name: 'class', required: false, description: 'comma list of N,S,V,F,Q' })
  @ApiQuery({ name: 'from', required: false, type: Number, description: 'seconds from the start, inclusive' })
  @ApiQuery({ name: 'to', required: false, type: Number, description: 'seconds from the start, exclusive' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'at most this many (the first)' })
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'parquet'] })
  @ApiResponse({ status: 400, description: 'an unknown class, or from >= to' })
  async beats(
    @Param('runId', new SafeIdPipe('runId')) runId: string,
    @Param('recordId', new SafeIdPipe('recordId')) recordId: string,
    @Query(new ZodBodyPipe(BeatsQuerySchema)) query: BeatsQuery,
  ): Promise<StreamableFile> {
    return file(await this.results.beats(runId, recordId, query), 'attachment');
  }

  @Get(':runId/records/:recordId/signal')
  @ApiOperation({
    summary: "A record's ECG from start to end (seconds), with its beats and unanalysable stretches",
    description:
      "Reads only the canonical recording's row groups that overlap the range, by HTTP range. " +
      'Longer ranges than maxPoints samples come as min/max pairs per bucket of `step` samples.',
  })
  @ApiParam(runIdParam)
  @ApiParam(recordParam)
  @ApiQuery({ name: 'start', type: Number, description: 'seconds from the start, inclusive' })
  @ApiQuery({
    name: 'end',
    type: Number,
    description: `seconds, exclusive; at most ${MAX_SIGNAL_SECONDS} s after start`,
  })
  @ApiQuery({ name: 'maxPoints', required: false, type: Number, description: 'points per lead, 100-50000' })
  @ApiResponse({ status: 400, description: 'a bad start, end or maxPoints (the field is named)' })
  @ApiResponse({ status: 404, description: 'no such run or record' })
  async signal(
    @Param('runId', new SafeIdPipe('runId')) runId: string,
    @Param('recordId', new SafeIdPipe('recordId')) recordId: string,
    @Query(new ZodBodyPipe(SignalQuerySchema)) query: SignalQuery,
  ): Promise<SignalAnswer> {
    return this.signals.signal(runId, recordId, query);
  }
}
