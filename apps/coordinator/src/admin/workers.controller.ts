import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkersService, type QueueWorkers } from './workers.service.js';

@ApiTags('admin')
@Controller('admin/workers')
export class WorkersController {
  constructor(@Inject(WorkersService) private readonly workers: WorkersService) {}

  @Get()
  @ApiOperation({
    summary: 'Workers connected to each queue, with the role, host, pid and compute backend each publishes',
  })
  async list(): Promise<{ queues: QueueWorkers[] }> {
    return { queues: await this.workers.list() };
  }
}
