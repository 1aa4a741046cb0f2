import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { IngestRequestPipe } from './ingest-request.pipe.js';
import {
  IngestRequestJsonSchema,
  type EnqueuedRecord,
  type IngestJobStatus,
  type IngestRequest,
} from './ingest.dto.js';
import { IngestService } from './ingest.service.js';
import { Roles } from '../auth/access.decorator.js';

@ApiTags('ingest')
@ApiBearerAuth()
@Roles('operator')
@Controller('ingest')
export class IngestController {
  constructor(@Inject(IngestService) private readonly ingest: IngestService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Convert raw WFDB/EDF records already on S3 into canonical Parquet recordings',
    description:
      'Adds one job per record to the `ingest` queue. Job ids are deterministic ' +
      '(`ingest:<bucket>/<prefix>:<recordId>`): a record already queued is not added twice, a finished one is re-run. ' +
      '400 lists every invalid field; 422 lists raw objects that do not exist. Either way nothing is queued.',
  })
  @ApiBody({ schema: IngestRequestJsonSchema as object })
  async submit(@Body(IngestRequestPipe) body: IngestRequest): Promise<{ jobs: EnqueuedRecord[] }> {
    return { jobs: await this.ingest.enqueue(body) };
  }

  @Get(':jobId')
  @ApiOperation({ summary: 'State, progress and result of one ingest job' })
  @ApiParam({ name: 'jobId', description: 'as returned by POST /ingest, URL-encoded' })
  async status(@Param('jobId') jobId: string): Promise<IngestJobStatus> {
    return this.ingest.status(jobId);
  }
}
