/** Starts the coordinator: `node --import tsx apps/coordinator/src/main.ts` (env: README "Environment"). */
import { Logger } from '@nestjs/common';
import { createCoordinator } from './app.js';
import { coordinatorConfigFromEnv } from './config.js';

const config = coordinatorConfigFromEnv();
const app = await createCoordinator(config);
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
