import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ConcurrencyChangeSchema, type ConcurrencyChange, type WorkerList } from '@holterflow/contracts';
import { ZodBodyPipe } from '../common/zod-body.pipe.js';
import { Roles } from '../auth/access.decorator.js';
import { WorkersService } from './workers.service.js';

@ApiTags('admin')
@ApiBearerAuth()
@Roles()
@Controller('admin/workers')
export class WorkersController {
  constructor(@Inject(WorkersService) private readonly workers: WorkersService) {}

  @Get()
  @ApiOperation({
    summary:
      'Live workers (host, role, engine, concurrency, beats/s, last heartbeat) and the connections of each queue',
    description:
      'A worker is listed while its heartbeat is live: one that dies drops out within heartbeatTimeoutSeconds (30). ' +
      '"queues" are the BullMQ connections per queue, joined with the heartbeat each publishes.',
  })
  async list(): Promise<WorkerList> {
    const queues = await this.workers.list();
    return {
      heartbeatTimeoutSeconds: WorkersService.heartbeatTimeoutSeconds,
      workers: await this.workers.live(queues),
      queues,
    };
  }

  @Put('concurrency')
  @ApiOperation({
    summary:
      "Change a role's concurrency on every worker now, without restarts (and for workers started later)",
  })
  @ApiBody({ schema: z.toJSONSchema(ConcurrencyChangeSchema, { target: 'openapi-3.0' }) as object })
  async setConcurrency(
    @Body(new ZodBodyPipe(ConcurrencyChangeSchema)) body: ConcurrencyChange,
  ): Promise<ConcurrencyChange & { notified: number }> {
    return { ...body, ...(await this.workers.setConcurrency(body)) };
  }
}
