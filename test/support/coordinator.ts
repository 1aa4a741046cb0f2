/**
 * A real coordinator (apps/coordinator createCoordinator) in the test's process, on a free port,
 * pointed at the test's Redis prefix and S3 server.
 */
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { createCoordinator } from '../../apps/coordinator/src/app.js';
import type { TestRedis } from './redis.js';
import type { S3rverHandle } from './s3rver.js';

export interface TestCoordinator {
  app: INestApplication;
  /** http://127.0.0.1:<port> */
  base: string;
}

export async function startTestCoordinator(redis: TestRedis, s3: S3rverHandle): Promise<TestCoordinator> {
  const app = await createCoordinator(
    { port: 0, redisUrl: redis.url, queuePrefix: redis.prefix, storage: s3.config },
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}
