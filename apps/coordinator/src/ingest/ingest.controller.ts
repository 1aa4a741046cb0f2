import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import {
  IngestRequestJsonSchema,
  IngestRequestSchema,
  type EnqueuedRecord,
  type IngestJobStatus,
  type IngestRequest,
} from './ingest.dto.js';
import { IngestService } from './ingest.service.js';

@ApiTags('ingest')
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
  async submit(
    @Body(new ZodBodyPipe(IngestRequestSchema)) body: IngestRequest,
  ): Promise<{ jobs: EnqueuedRecord[] }> {
    return { jobs: await this.ingest.enqueue(body) };
  }

  @Get(':jobId')
  @ApiOperation({ summary: 'State, progress and result of one ingest job' })
  @ApiParam({ name: 'jobId', description: 'as returned by POST /ingest, URL-encoded' })
  async status(@Param('jobId') jobId: string): Promise<IngestJobStatus> {
    return this.ingest.status(jobId);
  }
}
