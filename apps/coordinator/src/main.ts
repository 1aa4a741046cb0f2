/** Starts the coordinator: `node --import tsx apps/coordinator/src/main.ts` (env: README "Environment"). */
import { Logger } from '@nestjs/common';
import { ConfigError, type LogLevel } from '@holterflow/contracts';
import { createCoordinator } from './app.js';
import { coordinatorConfigFromEnv, logLevelFromEnv, type CoordinatorConfig } from './config.js';

let config: CoordinatorConfig;
let logLevel: LogLevel;
try {
  config = coordinatorConfigFromEnv(process.env);
  logLevel = logLevelFromEnv(process.env);
} catch (err) {
  // A configuration mistake is one line naming the variable, before anything connects anywhere.
  if (!(err instanceof ConfigError)) throw err;
  console.error(`holterflow coordinator: ${err.message}`);
  process.exit(1);
}
const app = await createCoordinator(config, { logLevel });
await app.listen(config.port);
new Logger('coordinator').log(
  `listening on ${await app.getUrl()} (redis ${redactUrl(config.redisUrl)}, queue prefix ${config.queuePrefix}, ` +
    `bucket ${config.storage.bucket} at ${config.storage.endpoint ?? 'AWS'}); docs at /docs`,
);

/** Credentials in a Redis URL must not reach the logs. */
function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
