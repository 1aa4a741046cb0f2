/**
 * A real coordinator (apps/coordinator createCoordinator) in the test's process, on a free port,
 * pointed at the test's Redis prefix and S3 server, with TEST_ADMIN_KEY as its bootstrap admin
 * key (jsonClient sends it unless told otherwise).
 */
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { createCoordinator } from '../../apps/coordinator/src/app.js';
import type { AuthConfig } from '../../apps/coordinator/src/config.js';
import type { TestRedis } from './redis.js';
import type { S3rverHandle } from './s3rver.js';

/** The bootstrap admin key of every test coordinator (tests only; 32+ characters like a real one). */
export const TEST_ADMIN_KEY = 'test-bootstrap-admin-key-0123456789abcdef';

export interface TestCoordinator {
  app: INestApplication;
  /** http://127.0.0.1:<port> */
  base: string;
}

export async function startTestCoordinator(
  redis: TestRedis,
  s3: S3rverHandle,
  options: { auth?: AuthConfig; allowedBuckets?: string[] } = {},
): Promise<TestCoordinator> {
  const app = await createCoordinator(
    {
      port: 0,
      redisUrl: redis.url,
      queuePrefix: redis.prefix,
      storage: s3.config,
      auth: options.auth ?? { bootstrapAdminKey: TEST_ADMIN_KEY },
      ...(options.allowedBuckets ? { allowedBuckets: options.allowedBuckets } : {}),
    },
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}
