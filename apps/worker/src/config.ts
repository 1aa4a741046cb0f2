/** Worker settings, read once from the environment at start (README "Environment"). */
import { availableParallelism } from 'node:os';
import { WORKER_ROLES, queueEnvFromEnv, type QueueEnv, type WorkerRole } from '@holterflow/contracts';
import { storageConfigFromEnv, type StorageConfig } from '@holterflow/storage';

export interface RoleSettings {
  role: WorkerRole;
  /** Jobs of this role run at once in this process (HOLTERFLOW_<ROLE>_CONCURRENCY, default 1). */
  concurrency: number;
}

export interface WorkerConfig extends QueueEnv {
  roles: RoleSettings[];
  storage: StorageConfig;
  /**
   * On SIGTERM/SIGINT, how long active jobs may run on (HOLTERFLOW_SHUTDOWN_GRACE_MS, default
   * 30000) before they are released: their locks lapse and BullMQ hands them to another worker.
   */
  shutdownGraceMs: number;
  /**
   * Threads one training job computes gradients on (HOLTERFLOW_TRAIN_THREADS, default: the cores
   * this process may use). Data-parallel over wasm instances; set 1 on tfjs-node(-gpu) hosts.
   */
  trainThreads: number;
}

/** Injection token of the WorkerConfig the process started with. */
export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

/** A configuration mistake: reported as one clear line, exit code 1. */
export class WorkerConfigError extends Error {
  override readonly name = 'WorkerConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

export function workerConfigFromEnv(env: Env = process.env): WorkerConfig {
  const roles = parseRoles(env.HOLTERFLOW_ROLES);
  return {
    ...queueEnvFromEnv(env),
    roles: roles.map((role) => ({
      role,
      concurrency: positiveInt(env, `HOLTERFLOW_${role.toUpperCase()}_CONCURRENCY`, 1),
    })),
    storage: storageConfigFromEnv(env),
    shutdownGraceMs: positiveInt(env, 'HOLTERFLOW_SHUTDOWN_GRACE_MS', 30_000),
    trainThreads: positiveInt(env, 'HOLTERFLOW_TRAIN_THREADS', availableParallelism()),
  };
}

/**
 * HOLTERFLOW_ROLES is a comma list of libs/contracts WORKER_ROLES. Unset means every role except
 * train, which runs only where named: one training job holds a CPU for hours, and belongs on the
 * hosts sized for it. Unknown roles are refused, never ignored: a fleet that silently runs
 * nothing for a queue is worse than one that does not start. (That every role named has a
 * processor is checked where the processors are wired, processors.ts.)
 */
export function parseRoles(raw: string | undefined): WorkerRole[] {
  const names = (raw ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (names.length === 0) return WORKER_ROLES.filter((role) => role !== 'train');
  const roles: WorkerRole[] = [];
  for (const name of names) {
    if (!(WORKER_ROLES as readonly string[]).includes(name))
      throw new WorkerConfigError(
        `HOLTERFLOW_ROLES: unknown role "${name}" (roles are: ${WORKER_ROLES.join(', ')})`,
      );
    const role = name as WorkerRole;
    if (!roles.includes(role)) roles.push(role);
  }
  return roles;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new WorkerConfigError(`${name}=${JSON.stringify(raw)} is not a positive integer`);
  return n;
}
