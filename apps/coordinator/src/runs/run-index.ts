/**
 * Which runs exist and in which bucket each keeps its manifest. The manifest itself lives in
 * S3 (the source of truth); Redis only indexes run ids, under the queue prefix, so GET /runs can
 * list them newest first without listing every object under `runs/`.
 */
import type { Redis } from 'ioredis';

export class RunIndex {
  constructor(
    private readonly redis: Redis,
    private readonly queuePrefix: string,
  ) {}

  private get byTime() {
    return `${this.queuePrefix}:holterflow:runs`;
  }
  private get buckets() {
    return `${this.queuePrefix}:holterflow:run-buckets`;
  }

  async add(runId: string, bucket: string, createdAt: string): Promise<void> {
    await this.redis
      .multi()
      .zadd(this.byTime, 'NX', Date.parse(createdAt), runId)
      .hset(this.buckets, runId, bucket)
      .exec();
  }

  async bucketOf(runId: string): Promise<string | undefined> {
    return (await this.redis.hget(this.buckets, runId)) ?? undefined;
  }

  /** Run ids, newest first. */
  async list(offset: number, limit: number): Promise<{ runIds: string[]; total: number }> {
    const [runIds, total] = await Promise.all([
      this.redis.zrevrange(this.byTime, offset, offset + limit - 1),
      this.redis.zcard(this.byTime),
    ]);
    return { runIds, total };
  }
}
