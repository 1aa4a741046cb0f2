/**
 * Starts a worker: `HOLTERFLOW_ROLES=ingest node --import tsx apps/worker/src/main.ts`.
 * SIGTERM/SIGINT stop it gracefully (worker-host.service.ts) and it exits 0.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkerConfigError, workerConfigFromEnv, type WorkerConfig } from './config.js';
import { roleDefinitions } from './processors.js';
import { WorkerModule } from './worker.module.js';

let config: WorkerConfig;
try {
  config = workerConfigFromEnv(process.env);
  roleDefinitions(config.roles);
} catch (err) {
  if (!(err instanceof WorkerConfigError)) throw err;
  console.error(`holterflow worker: ${err.message}`);
  process.exit(1);
}

const logger = new Logger('worker');
// createApplicationContext initialises the modules: the workers start taking jobs here.
const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config));

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return; // a second signal while draining changes nothing
  stopping = true;
  logger.log(`${signal} received: stopping`);
  app
    .close()
    .then(() => {
      logger.log('stopped cleanly');
      process.exit(0);
    })
    .catch((err: unknown) => {
      logger.error(`shutdown failed: ${(err as Error).message}`);
      process.exit(1);
    });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
