/** Queue names shared by the coordinator, workers and CLI (docs/ARCHITECTURE.md "Queues and job ids"). */
export const QUEUES = {
  ingest: 'ingest',
  classify: 'classify',
  summarize: 'summarize',
  finalize: 'finalize',
  train: 'train',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Worker roles: one process may run several. */
export const WORKER_ROLES = ['ingest', 'classify', 'summarize', 'finalize', 'train'] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

/**
 * The per-run gate queue: finalize(run) waits on one job there until every record's flow has been
 * added (apps/coordinator flow.ts). No worker serves it; the coordinator completes the job itself.
 */
export function gateQueueName(runId: string): string {
  return `planning.${runId}`;
}
