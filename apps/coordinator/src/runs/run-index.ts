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
  /** Present while a rebuild from S3 runs (run-index-rebuild.ts); left behind if it was cut short. */
  private get rebuilding() {
    return `${this.queuePrefix}:holterflow:run-index-rebuilding`;
  }

  async add(runId: string, bucket: string, createdAt: string): Promise<void> {
    await this.redis
      .multi()
      .zadd(this.byTime, 'NX', Date.parse(createdAt), runId)
      .hset(this.buckets, runId, bucket)
      .exec();
  }

  /** No run indexed: a new deployment, or a Redis that lost its keys while S3 kept the runs. */
  async isEmpty(): Promise<boolean> {
    return (await this.redis.zcard(this.byTime)) === 0;
  }

  /** Marks a rebuild as under way, so a coordinator stopped halfway makes the next one rebuild again. */
  async markRebuilding(startedAt: string): Promise<void> {
    await this.redis.set(this.rebuilding, startedAt);
  }

  async wasRebuildCutShort(): Promise<boolean> {
    return (await this.redis.exists(this.rebuilding)) === 1;
  }

  async markRebuilt(): Promise<void> {
    await this.redis.del(this.rebuilding);
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
