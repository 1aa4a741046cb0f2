/**
 * What a worker process publishes about itself so /admin/workers can say who is behind each
 * BullMQ worker connection. BullMQ already names a worker's Redis connection
 * `<prefix>:<base64 queue>:w:<workerName>`; the heartbeat is stored under that same workerName.
 */
import { z } from 'zod';
import { WORKER_ROLES } from '../queues.js';

export const WorkerHeartbeatSchema = z.object({
  role: z.enum(WORKER_ROLES),
  host: z.string(),
  pid: z.number().int().positive(),
  /** Compute backend the role runs on (TensorFlow.js backend for model roles, `none` otherwise). */
  backend: z.string(),
  /** ISO 8601 time the worker started. */
  startedAt: z.string(),
  /** Jobs of this role the process runs at once (changed at run time over CONCURRENCY_CHANNEL). */
  concurrency: z.number().int().positive().optional(),
  /** Beats classified per second over the last BEATS_RATE_WINDOW_S (classify; 0 for other roles). */
  beatsPerSecond: z.number().nonnegative().optional(),
  /** ISO 8601 time this heartbeat was written. */
  beatAt: z.string().optional(),
});
export type WorkerHeartbeat = z.infer<typeof WorkerHeartbeatSchema>;

/**
 * A heartbeat older than this is treated as gone (the worker refreshes it every third of it):
 * a worker that dies drops out of /admin/workers within this many seconds.
 */
export const WORKER_HEARTBEAT_TTL_S = 30;

/** The window beatsPerSecond is averaged over. */
export const BEATS_RATE_WINDOW_S = 30;

/**
 * Run-time concurrency per role: the coordinator stores the wanted value under
 * concurrencyKey (so a worker started later takes it too) and publishes a ConcurrencyChange on
 * concurrencyChannel; every worker of that role applies it to its BullMQ worker at once.
 */
export const ConcurrencyChangeSchema = z.strictObject({
  role: z.enum(WORKER_ROLES),
  concurrency: z.number().int().min(1).max(64),
});
export type ConcurrencyChange = z.infer<typeof ConcurrencyChangeSchema>;

export function concurrencyChannel(queuePrefix: string): string {
  return `${queuePrefix}:holterflow:concurrency`;
}

export function concurrencyKey(queuePrefix: string, role: string): string {
  return `${queuePrefix}:holterflow:concurrency:${role}`;
}

/** BullMQ worker name for one role in one process: unique per host, pid and role. */
export function workerName(role: string, host: string, pid: number): string {
  return `${role}@${host}#${pid}`;
}

/** Redis key of a worker's heartbeat, under the queue prefix so tests stay isolated. */
export function workerHeartbeatKey(queuePrefix: string, name: string): string {
  return `${queuePrefix}:holterflow:worker:${name}`;
}
