/** Coordinator settings, read once from the environment at start (the schema: libs/contracts config/environment.ts). */
import { queueEnvFromEnv, readVariable, type QueueEnv } from '@holterflow/contracts';
import { storageConfigFromEnv, type StorageConfig } from '@holterflow/storage';

export interface CoordinatorConfig extends QueueEnv {
  /** HTTP port (PORT, default 3000; 0 picks a free port). */
  port: number;
  storage: StorageConfig;
}

export const COORDINATOR_CONFIG = Symbol('COORDINATOR_CONFIG');

type Env = Readonly<Record<string, string | undefined>>;

/** Throws ConfigError naming the first bad variable. */
export function coordinatorConfigFromEnv(env: Env): CoordinatorConfig {
  return { port: readVariable(env, 'PORT'), ...queueEnvFromEnv(env), storage: storageConfigFromEnv(env) };
}
