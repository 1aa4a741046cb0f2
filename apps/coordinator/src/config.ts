/** Coordinator settings, read once from the environment at start (README "Environment"). */
import { queueEnvFromEnv, type QueueEnv } from '@holterflow/contracts';
import { storageConfigFromEnv, type StorageConfig } from '@holterflow/storage';

export interface CoordinatorConfig extends QueueEnv {
  /** HTTP port (PORT, default 3000; 0 picks a free port). */
  port: number;
  storage: StorageConfig;
}

export const COORDINATOR_CONFIG = Symbol('COORDINATOR_CONFIG');

type Env = Readonly<Record<string, string | undefined>>;

export function coordinatorConfigFromEnv(env: Env = process.env): CoordinatorConfig {
  const rawPort = env.PORT?.trim() || '3000';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT=${JSON.stringify(rawPort)} is not a TCP port (0-65535)`);
  return { port, ...queueEnvFromEnv(env), storage: storageConfigFromEnv(env) };
}
