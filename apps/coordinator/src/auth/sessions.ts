/**
 * Console sessions: an API key exchanged once (POST /session) for a random session id in an
 * httpOnly cookie, so the page never holds the key. Redis keeps `<prefix>:holterflow:session:
 * <sha256 of the id>` → the key's id and the expiry, with the same TTL as the cookie: sessions
 * survive a coordinator restart and are shared by every coordinator, and a leaked Redis dump
 * holds no usable cookie. The key's role is looked up on every request (ApiKeyStore.principalOf),
 * so a revoked key ends its sessions and a session is never worth more than its key.
 */
import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { hashSecret } from '@holterflow/auth';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from '../config.js';
import { REDIS } from '../queues/redis.js';

export const SESSION_COOKIE = 'hf_session';
export const DEFAULT_SESSION_TTL_SECONDS = 8 * 3600;
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

const SessionRecordSchema = z.object({ keyId: z.string(), createdAt: z.string(), expiresAt: z.string() });
export type SessionRecord = z.infer<typeof SessionRecordSchema>;

export function sessionRedisKey(queuePrefix: string, sessionId: string): string {
  return `${queuePrefix}:holterflow:session:${hashSecret(sessionId)}`;
}

@Injectable()
export class SessionStore {
  readonly ttlSeconds: number;
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(COORDINATOR_CONFIG) config: CoordinatorConfig,
  ) {
    this.ttlSeconds = config.auth.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
    this.prefix = config.queuePrefix;
  }

  async create(keyId: string): Promise<{ id: string; record: SessionRecord }> {
    const id = randomBytes(32).toString('base64url');
    const now = Date.now();
    const record: SessionRecord = {
      keyId,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.ttlSeconds * 1000).toISOString(),
    };
    await this.redis.set(sessionRedisKey(this.prefix, id), JSON.stringify(record), 'EX', this.ttlSeconds);
    return { id, record };
  }

  /** The live session of an id, or null (unknown, malformed, expired). */
  async read(id: string): Promise<SessionRecord | null> {
    if (!SESSION_ID.test(id)) return null;
    const raw = await this.redis.get(sessionRedisKey(this.prefix, id));
    if (!raw) return null;
    const parsed = SessionRecordSchema.safeParse(JSON.parse(raw));
    if (!parsed.success || Date.parse(parsed.data.expiresAt) <= Date.now()) return null;
    return parsed.data;
  }

  async remove(id: string): Promise<void> {
    if (SESSION_ID.test(id)) await this.redis.del(sessionRedisKey(this.prefix, id));
  }
}
