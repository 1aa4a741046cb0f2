import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  RECORD_STATES,
  type RecordList,
  type RunList,
  type RunRequest,
  type RunStatus,
  type SubmitAnswer,
} from '@holterflow/contracts';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { SafeIdPipe } from '../common/safe-id.pipe.js';
import {
  RecordListQuerySchema,
  RunListQuerySchema,
  RunRequestJsonSchema,
  type RecordListQuery,
  type RunListQuery,
} from './runs.dto.js';
import { RunRequestPipe } from './run-request.pipe.js';
import { RunsService } from './runs.service.js';
import { Roles } from '../auth/access.decorator.js';

const runIdParam = { name: 'runId', description: 'as returned by POST /runs' };

@ApiTags('runs')
@ApiBearerAuth()
@Controller('runs')
export class RunsController {
  constructor(@Inject(RunsService) private readonly runs: RunsService) {}

  @Post()
  @Roles('operator')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Classify every beat of a set of recordings (plan from Parquet footers, queue the flow)',
    description:
      "Reads only the recordings' Parquet footers, writes runs/<runId>/manifest.json and queues " +
      'finalize ← summarize(record) ← classify(window). The run id is derived from the request, so ' +
      'submitting the same request again resumes the run: nothing already queued or in S3 is redone. ' +
      'Recordings that cannot be planned are listed in "rejected" and the run goes on without them.',
  })
  @ApiBody({ schema: RunRequestJsonSchema as object })
  @ApiResponse({ status: 202, description: 'planned, resumed, or already complete' })
  @ApiResponse({ status: 400, description: 'the body is not valid (every problem listed by field)' })
  @ApiResponse({ status: 409, description: 'the runId exists with another model or bucket' })
  @ApiResponse({ status: 422, description: 'the model version does not exist, or there are no recordings' })
  async submit(@Body(RunRequestPipe) body: RunRequest): Promise<SubmitAnswer> {
    return this.runs.submit(body);
  }

  @Get()
  @Roles('operator', 'analyst')
  @ApiOperation({
    summary: 'Runs, newest first',
    description:
      'Answers { runs, total, indexing }. The list comes from an index in Redis; when the coordinator ' +
      'starts and finds it empty (Redis lost its keys) it rebuilds it in the background from the ' +
      'manifests under runs/ of its configured bucket, and "indexing" is true until that is done: ' +
      'runs and total may miss runs meanwhile. Runs in other buckets reappear when resubmitted.',
  })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1-1000, default 100' })
  @ApiResponse({ status: 200, description: '{ runs, total, indexing }' })
  async list(@Query(new ZodBodyPipe(RunListQuerySchema)) query: RunListQuery): Promise<RunList> {
    return this.runs.list(query.offset, query.limit);
  }

  @Get(':runId')
  @Roles('operator', 'analyst')
  @ApiOperation({
    summary: 'Progress of a run: records total/done/failed, beats so far, throughput, ETA, outputs',
  })
  @ApiParam(runIdParam)
  @ApiResponse({ status: 404, description: 'no such run' })
  async status(@Param('runId', new SafeIdPipe('runId')) runId: string): Promise<RunStatus> {
    return this.runs.status(runId);
  }

  @Get(':runId/records')
  @Roles('operator', 'analyst')
  @ApiOperation({ summary: 'Per-record state, windows, beats, class counts, error and output keys' })
  @ApiParam(runIdParam)
  @ApiQuery({ name: 'state', required: false, enum: RECORD_STATES })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1-1000, default 100' })
  async records(
    @Param('runId', new SafeIdPipe('runId')) runId: string,
    @Query(new ZodBodyPipe(RecordListQuerySchema)) query: RecordListQuery,
  ): Promise<RecordList> {
    return this.runs.records(runId, query);
  }

  @Post(':runId/cancel')
  @Roles('operator')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Cancel a run: queued jobs are removed, running windows finish; resubmit to resume',
  })
  @ApiParam(runIdParam)
  @ApiResponse({ status: 409, description: 'the run already completed' })
  async cancel(
    @Param('runId', new SafeIdPipe('runId')) runId: string,
  ): Promise<{ runId: string; cancelledAt: string; busyRecords: number }> {
    return this.runs.cancel(runId);
  }

  @Post(':runId/retry-failed')
  @Roles('operator')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Queue the failed records again (parts already in S3 are reused); rejected recordings are not retried',
  })
  @ApiParam(runIdParam)
  @ApiResponse({
    status: 409,
    description: 'the run is cancelled, or a failed record still has a window running',
  })
  async retryFailed(
    @Param('runId', new SafeIdPipe('runId')) runId: string,
  ): Promise<{ runId: string; retried: string[]; notRetried: string[] }> {
    return this.runs.retryFailed(runId);
  }
}
