/**
 * Following a training job to its end with every epoch's report as it comes (BullMQ progress
 * events): the CLI's `train --wait`. QueueEvents holds a blocking connection of its own.
 */
import { QueueEvents } from 'bullmq';
import { QUEUES, type TrainProgress, type TrainResult } from '@holterflow/contracts';
import type { TrainJobsContext } from './context.js';

export async function followTraining(
  context: TrainJobsContext,
  jobId: string,
  onProgress: (report: TrainProgress) => void,
): Promise<TrainResult> {
  const connection = context.redis.duplicate();
  const events = new QueueEvents(QUEUES.train, { connection, prefix: context.queuePrefix });
  try {
    events.on('progress', ({ jobId: id, data }) => {
      if (id === jobId && typeof data === 'object') onProgress(data as TrainProgress);
    });
    await events.waitUntilReady();
    const job = await context.queue.getJob(jobId);
    if (!job) throw new Error(`no training job ${jobId} in queue ${QUEUES.train}`);
    try {
      return (await job.waitUntilFinished(events)) as TrainResult;
    } catch (err) {
      throw new Error(`training job ${jobId} failed: ${(err as Error).message}`);
    }
  } finally {
    await events.close();
    // BullMQ does not close a connection it was handed.
    await connection.quit().catch(() => connection.disconnect());
  }
}
