/**
 * Training jobs over the API (libs/train-jobs, shared with `holterflow train` / `train cancel`):
 * submit, list, progress per epoch, cancel. Operators steer training (issue 11's roles: operator
 * submits training); the listing and the progress are operator too — they name datasets and
 * carry failure reasons, and analysts see what training produced through GET /models.
 */
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { z } from 'zod';
import type { TrainingStatus, TrainingSummary } from '@holterflow/train-jobs';
import { LISTED_STATES } from '@holterflow/train-jobs';
import { Roles } from '../auth/access.decorator.js';
import type { AuthenticatedRequest } from '../auth/auth.guard.js';
import { SafeIdPipe } from '../common/safe-id.pipe.js';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import {
  CancelTrainingSchema,
  TrainingListQuerySchema,
  TrainingRequestJsonSchema,
  type CancelTrainingBody,
  type TrainingListQuery,
  type TrainingRequest,
} from './training.dto.js';
import { TrainingRequestPipe } from './training-request.pipe.js';
import { TrainingService, type CancelAnswer, type SubmittedTraining } from './training.service.js';

const versionParam = { name: 'version', description: 'the model version given to POST /training' };

@ApiTags('training')
@ApiBearerAuth()
@Roles('operator')
@Controller('training')
export class TrainingController {
  constructor(@Inject(TrainingService) private readonly training: TrainingService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Train a model version on a beat dataset in the bucket (a train worker runs it)',
    description:
      'Adds one job to the `train` queue, id train-<version>. Submitting the version of a failed or ' +
      'cancelled job replaces that job: the new one resumes after its checkpoint. A train worker ' +
      '(HOLTERFLOW_ROLES=train) checkpoints every epoch and publishes models/<version>/.',
  })
  @ApiBody({ schema: TrainingRequestJsonSchema as object })
  @ApiResponse({ status: 202, description: '{ jobId, version, state, replacedFailed, status }' })
  @ApiResponse({ status: 400, description: 'the body is not valid (every problem listed by field)' })
  @ApiResponse({
    status: 409,
    description:
      'the version is already training or trained, or models/<version>/ exists from elsewhere; nothing queued',
  })
  @ApiResponse({ status: 422, description: 'the dataset does not exist; nothing queued' })
  async submit(@Body(TrainingRequestPipe) body: TrainingRequest): Promise<SubmittedTraining> {
    return this.training.submit(body);
  }

  @Get()
  @ApiOperation({
    summary:
      'Training jobs the queue holds, running first: state, epoch reached of planned, result or failure',
  })
  @ApiQuery({ name: 'state', required: false, enum: LISTED_STATES })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'per state, 1-1000, default 100' })
  async list(
    @Query(new ZodBodyPipe(TrainingListQuerySchema)) query: TrainingListQuery,
  ): Promise<{ training: TrainingSummary[] }> {
    return { training: await this.training.list(query.state, query.limit) };
  }

  @Get(':version')
  @ApiOperation({
    summary: 'One training job: state, epochs done of planned, the report of every epoch, checkpoint, result',
    description:
      '"history" has one report per epoch done (loss, acc, valLoss, valAcc, lr, seconds, eta), from the ' +
      "job's checkpoint on S3 — epochs of earlier attempts included — and its latest progress. " +
      '"checkpoint" says which epoch a resume continues after.',
  })
  @ApiParam(versionParam)
  @ApiResponse({ status: 404, description: 'no training job of that version' })
  async status(@Param('version', new SafeIdPipe('version')) version: string): Promise<TrainingStatus> {
    return this.training.status(version);
  }

  @Post(':version/cancel')
  @ApiOperation({
    summary:
      'Cancel a training job: removed if queued, stopped at the next batch if running (checkpoint kept)',
    description:
      'Waits up to timeoutSeconds (default 30) for a running job to stop. 200 with outcome removed, ' +
      'cancelled, already-failed or gone, the checkpoint and resumeRequest (POST it to /training to ' +
      'continue); 202 with outcome still-running: the request stays and the job stops at its next batch.',
  })
  @ApiParam(versionParam)
  @ApiBody({
    required: false,
    schema: z.toJSONSchema(CancelTrainingSchema, { target: 'openapi-3.0', io: 'input' }) as object,
  })
  @ApiResponse({ status: 200, description: 'the job is not running any more' })
  @ApiResponse({ status: 202, description: 'still running at the timeout; the cancel request stays' })
  @ApiResponse({ status: 404, description: 'no training job of that version' })
  @ApiResponse({ status: 409, description: 'the job completed: its model is written' })
  async cancel(
    @Param('version', new SafeIdPipe('version')) version: string,
    @Body(new ZodBodyPipe(CancelTrainingSchema)) body: CancelTrainingBody,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) response: { status(code: number): unknown },
  ): Promise<CancelAnswer> {
    const answer = await this.training.cancel(version, body.timeoutSeconds * 1000, request.principal);
    response.status(answer.outcome === 'still-running' ? 202 : 200);
    return answer;
  }
}
