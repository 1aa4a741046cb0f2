/**
 * Bull Board at /admin/queues over every queue of libs/contracts.
 *
 * Why not @bull-board/nestjs: it is CommonJS and `require`s @nestjs/core. Under tsx (how this
 * repo runs TypeScript) a require of the ESM-only NestJS 12 is transpiled into a second copy of
 * @nestjs/core, so its HttpAdapterHost token is not the app's and the module cannot be resolved.
 * This module does what BullBoardModule.forRoot/forFeature do (mount the express adapter's router
 * as middleware on the route, add one BullMQAdapter per queue), without the duplicate import.
 * Admin keys only, by HTTP Basic so a browser can sign in (auth/admin-browser-auth.ts).
 */
import { Inject, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { ApiKeyStore } from '@holterflow/auth';
import { QueueRegistry } from '../queues/queue-registry.js';
import { API_KEYS } from '../auth/api-keys.provider.js';
import { adminBrowserAuth } from '../auth/admin-browser-auth.js';

export const BULL_BOARD_ROUTE = '/admin/queues';

@Module({})
export class BullBoardModule implements NestModule {
  constructor(
    @Inject(QueueRegistry) private readonly queues: QueueRegistry,
    @Inject(API_KEYS) private readonly keys: ApiKeyStore,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(BULL_BOARD_ROUTE);
    createBullBoard({
      queues: this.queues.all().map((queue) => new BullMQAdapter(queue)),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'HolterFlow' } },
    });
    consumer
      .apply(adminBrowserAuth(this.keys, 'HolterFlow admin'), serverAdapter.getRouter())
      .forRoutes(BULL_BOARD_ROUTE);
  }
}
