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
});
export type WorkerHeartbeat = z.infer<typeof WorkerHeartbeatSchema>;

/** A heartbeat older than this is treated as gone (the worker refreshes it every third of it). */
export const WORKER_HEARTBEAT_TTL_S = 30;

/** BullMQ worker name for one role in one process: unique per host, pid and role. */
export function workerName(role: string, host: string, pid: number): string {
  return `${role}@${host}#${pid}`;
}

/** Redis key of a worker's heartbeat, under the queue prefix so tests stay isolated. */
export function workerHeartbeatKey(queuePrefix: string, name: string): string {
  return `${queuePrefix}:holterflow:worker:${name}`;
}
