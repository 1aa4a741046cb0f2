/** Worker settings, read once from the environment at start (the schema: libs/contracts config/environment.ts). */
import { availableParallelism } from 'node:os';
import {
  ConfigError,
  concurrencyVariable,
  queueEnvFromEnv,
  readEnvironment,
  readVariable,
  type InferenceEnginePreference,
  type QueueEnv,
  type TfBackendPreference,
  type WorkerRole,
} from '@holterflow/contracts';
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
  /** TensorFlow.js backend for training and the tfjs engine (HOLTERFLOW_TF_BACKEND, default auto). */
  tfBackend: TfBackendPreference;
  /** Inference engine of the classify threads (HOLTERFLOW_INFERENCE_ENGINE, default auto). */
  inferenceEngine: InferenceEnginePreference;
}

/** Injection token of the WorkerConfig the process started with. */
export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

/** A configuration mistake: reported as one clear line naming the variable, exit code 1. */
export { ConfigError as WorkerConfigError };

type Env = Readonly<Record<string, string | undefined>>;

/** Throws WorkerConfigError naming the first bad variable. */
export function workerConfigFromEnv(env: Env): WorkerConfig {
  const roles = parseRoles(env.HOLTERFLOW_ROLES);
  const v = readEnvironment(env, [
    'HOLTERFLOW_SHUTDOWN_GRACE_MS',
    'HOLTERFLOW_TRAIN_THREADS',
    'HOLTERFLOW_TF_BACKEND',
    'HOLTERFLOW_INFERENCE_ENGINE',
  ]);
  return {
    ...queueEnvFromEnv(env),
    roles: roles.map((role) => ({ role, concurrency: readVariable(env, concurrencyVariable(role)) })),
    storage: storageConfigFromEnv(env),
    shutdownGraceMs: v.HOLTERFLOW_SHUTDOWN_GRACE_MS,
    trainThreads: v.HOLTERFLOW_TRAIN_THREADS ?? availableParallelism(),
    tfBackend: v.HOLTERFLOW_TF_BACKEND,
    inferenceEngine: v.HOLTERFLOW_INFERENCE_ENGINE,
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
  return readVariable({ HOLTERFLOW_ROLES: raw }, 'HOLTERFLOW_ROLES');
}
