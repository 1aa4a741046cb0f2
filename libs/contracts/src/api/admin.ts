/**
 * The coordinator's admin API answers (GET /admin/workers, GET and POST /queues…), as the
 * coordinator sends them and the CLI (`holterflow workers`, `holterflow queues`) and the
 * console's admin page read them: one definition for every end.
 */
import type { WorkerHeartbeat } from '../jobs/workers.js';
import type { QueueName, WorkerRole } from '../queues.js';

/** The job states GET /queues counts per queue, in the order the CLI prints them. */
export const QUEUE_COUNTED_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
] as const;
export type QueueCountedState = (typeof QUEUE_COUNTED_STATES)[number];

export interface QueueInfo {
  name: QueueName;
  paused: boolean;
  /** `paused` counts the waiting jobs held back while the queue is paused (BullMQ keeps them in waiting). */
  counts: Record<QueueCountedState | 'paused', number>;
}

/** GET /queues. */
export interface QueueList {
  queues: QueueInfo[];
}

/** POST /queues/{name}/{action}: the queue after the action (retry-failed and clean-failed say how many). */
export type QueueActionAnswer = QueueInfo & { retried?: number; removed?: number };

export interface SeenWorker {
  /** BullMQ worker name (`<role>@<host>#<pid>`), or null for an unnamed worker. */
  name: string | null;
  /** Client address as Redis sees it. */
  addr: string;
  /** Seconds the connection has existed / been idle, from Redis CLIENT LIST. */
  ageSeconds: number;
  idleSeconds: number;
  /** What the worker publishes about itself; null when its heartbeat has expired or never came. */
  heartbeat: WorkerHeartbeat | null;
}

export interface QueueWorkers {
  queue: string;
  workers: SeenWorker[];
}

/** One role of one worker process, as long as its heartbeat is live (WORKER_HEARTBEAT_TTL_S). */
export interface LiveWorker {
  name: string;
  role: WorkerRole;
  host: string;
  pid: number;
  /** Inference engine / compute backend (onnxruntime-node cpu, tfjs wasm, tfjs-node-gpu, none). */
  engine: string;
  concurrency: number | null;
  beatsPerSecond: number;
  lastHeartbeat: string | null;
  startedAt: string;
  /** Whether BullMQ sees its Redis connection right now (false: dying, or its connection blipped). */
  connected: boolean;
}

/** GET /admin/workers. */
export interface WorkerList {
  /** A worker drops out of `workers` this long after its last heartbeat. */
  heartbeatTimeoutSeconds: number;
  workers: LiveWorker[];
  /** The BullMQ connections per queue, joined with the heartbeat each publishes. */
  queues: QueueWorkers[];
}
