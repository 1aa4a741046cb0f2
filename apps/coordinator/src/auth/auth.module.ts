/** API keys, console sessions and the global guard that makes every route check its AccessRule. */
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { ObjectStore } from '@holterflow/storage';
import { COORDINATOR_CONFIG, type CoordinatorConfig } from '../config.js';
import { OBJECT_STORE } from '../storage/storage.module.js';
import { API_KEYS, apiKeyStore } from './api-keys.provider.js';
import { AuthGuard } from './auth.guard.js';
import { KeysController } from './keys.controller.js';
import { SessionController } from './session.controller.js';
import { SessionStore } from './sessions.js';
import { CredentialResolver } from './credential-resolver.js';

@Global()
@Module({
  controllers: [KeysController, SessionController],
  providers: [
    {
      provide: API_KEYS,
      inject: [OBJECT_STORE, COORDINATOR_CONFIG],
      useFactory: (store: ObjectStore, config: CoordinatorConfig) => apiKeyStore(store, config),
    },
    SessionStore,
    CredentialResolver,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [API_KEYS],
})
export class AuthModule {}
