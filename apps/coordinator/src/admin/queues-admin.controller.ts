/**
 * Queues for admins: counts per state, pause / resume (every worker stops taking that queue's
 * jobs; running ones finish), drain (remove waiting and delayed jobs — to abandon one run,
 * cancel it instead), retry or clean failed jobs. Bull Board (/admin/queues) shows the same in
 * a browser; this is for scripts and `holterflow queues`.
 */
import { Controller, Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Queue } from 'bullmq';
import {
  QUEUES,
  QUEUE_COUNTED_STATES,
  type QueueInfo,
  type QueueList,
  type QueueName,
} from '@holterflow/contracts';
import { Roles } from '../auth/access.decorator.js';
import { QueueRegistry } from '../queues/queue-registry.js';

/** Failed jobs cleaned or retried per call; a larger backlog takes several calls. */
const BATCH = 10_000;
const queueParam = { name: 'name', enum: Object.values(QUEUES) };

@ApiTags('admin')
@ApiBearerAuth()
@Roles()
@Controller('queues')
export class QueuesAdminController {
  constructor(@Inject(QueueRegistry) private readonly queues: QueueRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Every queue with its job counts per state and whether it is paused' })
  async list(): Promise<QueueList> {
    return { queues: await Promise.all(this.queues.all().map((q) => this.info(q))) };
  }

  @Post(':name/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a queue: no worker takes its jobs until resumed; running jobs finish' })
  @ApiParam(queueParam)
  @ApiResponse({ status: 404, description: 'no such queue' })
  async pause(@Param('name') name: string): Promise<QueueInfo> {
    const queue = this.queue(name);
    await queue.pause();
    return this.info(queue);
  }

  @Post(':name/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused queue' })
  @ApiParam(queueParam)
  async resume(@Param('name') name: string): Promise<QueueInfo> {
    const queue = this.queue(name);
    await queue.resume();
    return this.info(queue);
  }

  @Post(':name/drain')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Remove every waiting and delayed job of a queue (active ones finish); to stop one run, cancel it',
  })
  @ApiParam(queueParam)
  async drain(@Param('name') name: string): Promise<QueueInfo> {
    const queue = this.queue(name);
    await queue.drain(true);
    return this.info(queue);
  }

  @Post(':name/retry-failed')
  @HttpCode(200)
  @ApiOperation({ summary: `Queue failed jobs again (up to ${BATCH} per call)` })
  @ApiParam(queueParam)
  async retryFailed(@Param('name') name: string): Promise<QueueInfo & { retried: number }> {
    const queue = this.queue(name);
    const failed = await queue.getFailedCount();
    await queue.retryJobs({ state: 'failed', count: BATCH });
    return { ...(await this.info(queue)), retried: Math.min(failed, BATCH) };
  }

  @Post(':name/clean-failed')
  @HttpCode(200)
  @ApiOperation({
    summary: `Delete failed jobs (up to ${BATCH} per call); their reasons are gone afterwards`,
  })
  @ApiParam(queueParam)
  async cleanFailed(@Param('name') name: string): Promise<QueueInfo & { removed: number }> {
    const queue = this.queue(name);
    const removed = await queue.clean(0, BATCH, 'failed');
    return { ...(await this.info(queue)), removed: removed.length };
  }

  private queue(name: string): Queue {
    if (!(Object.values(QUEUES) as string[]).includes(name))
      throw new NotFoundException(
        `no queue ${JSON.stringify(name)}; queues: ${Object.values(QUEUES).join(', ')}`,
      );
    return this.queues.get(name as QueueName);
  }

  private async info(queue: Queue): Promise<QueueInfo> {
    const counts = await queue.getJobCounts(...QUEUE_COUNTED_STATES);
    const paused = await queue.isPaused();
    const byState = Object.fromEntries(
      QUEUE_COUNTED_STATES.map((s) => [s, counts[s] ?? 0]),
    ) as QueueInfo['counts'];
    return {
      name: queue.name as QueueName,
      paused,
      counts: { ...byState, paused: paused ? byState.waiting : 0 },
    };
  }
}
